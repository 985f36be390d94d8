/**
 * Metropolitan French time (Europe/Paris), the one clock of the application:
 * screens, reports, exchange files, backups and file names read days and
 * hours in Paris whatever the workstation's zone, so two colleagues (or a
 * coordinator and the national task force) read the same day. Everything
 * that needs a Paris calendar day or wall-clock time goes through here.
 */
export const PARIS_TIME_ZONE = 'Europe/Paris';

/** A wall-clock reading in Paris (month 1–12, hour 0–23). */
export interface ParisClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Built once: creating an Intl formatter costs far more than using it (thousands of rows in an export). */
const CLOCK = new Intl.DateTimeFormat('en-US', {
  timeZone: PARIS_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** What a clock in Paris shows at `at`. */
export function parisClock(at: Date): ParisClock {
  const parts = CLOCK.formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  // `% 24`: some engines print midnight as 24 even with h23.
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') % 24, minute: get('minute'), second: get('second') };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The calendar day in Paris, `YYYY-MM-DD` (not UTC: at 00:30 in summer it is already « today »). */
export function parisIsoDate(at: Date): string {
  const { year, month, day } = parisClock(at);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/**
 * Paris wall-clock time written as if it were UTC (same digits): for
 * spreadsheet date cells, which have no time zone. Whole seconds.
 */
export function parisWallClockAsUtc(at: Date): Date {
  const c = parisClock(at);
  return new Date(Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second));
}

/** Paris wall-clock time minus UTC at instant `t` (ms): 3 600 000 in winter, 7 200 000 in summer. */
export function parisOffsetMs(t: number): number {
  return parisWallClockAsUtc(new Date(t)).getTime() - Math.floor(t / 1000) * 1000;
}

/** The instant (ms) of 00:00 in Paris on the given calendar day (month 1–12). */
export function parisMidnight(year: number, month: number, day: number): number {
  const naive = Date.UTC(year, month - 1, day);
  const first = naive - parisOffsetMs(naive);
  const offset = parisOffsetMs(first);
  return naive - offset;
}
