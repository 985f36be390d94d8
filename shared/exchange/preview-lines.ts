import type { ExchangeLine, ExchangeTable, LineKind, LockReason } from './line-types';

/*
 * The lines of an import preview, stored compactly: a national quarter
 * previews to ~435,000 cells, and one object per cell (its key, both sides,
 * names…) cost the preview over a gigabyte. Here a follow-up cell is a few
 * numbers in typed arrays — the incoming row it comes from, its field, the
 * local row it is compared with, its state — and its ExchangeLine is built
 * only when asked for (a page of the screen, one line of the CLI's JSON, one
 * group of the import's writes), by the `describe` function of the diff that
 * filled the store: the same line every time. FIPD and results lines (per
 * QRR, a few per quartier) are kept whole.
 *
 * Pure: imports only shared/.
 */

const KINDS: readonly LineKind[] = ['new', 'identical', 'conflict', 'locked', 'refused'];
const LOCKS: readonly (LockReason | undefined)[] = [undefined, 'period_transmitted', 'qrr_archived', 'computed'];
/** `ref` of a line kept whole (FIPD, results): marked in `field`. */
const WHOLE = 255;

/** What a follow-up line is, apart from its state: built on demand from the diff's data. */
export type LineBody = Omit<ExchangeLine, 'kind' | 'lockReason' | 'refusedReason'>;

/** The cheap facts of a follow-up line, read without building it (grouping, filtering). */
export interface LineFacts {
  readonly table: (ref: number) => ExchangeTable;
  readonly qrrKey: (ref: number) => string;
  readonly periodCode: (ref: number) => string;
  readonly code: (ref: number) => string;
  readonly fieldName: (ref: number, field: number) => string;
  /** The whole line (both sides, names). */
  readonly describe: (ref: number, field: number, mine: number) => LineBody;
}

/** Which lines a page shows (every filter optional). */
export interface LineFilter {
  readonly kind?: LineKind | undefined;
  readonly qrrKey?: string | undefined;
  readonly periodCode?: string | undefined;
}

const noFollowupLine = (): never => {
  throw new Error('This store holds whole lines only.');
};
const NO_FACTS: LineFacts = { table: noFollowupLine, qrrKey: noFollowupLine, periodCode: noFollowupLine, code: noFollowupLine, fieldName: noFollowupLine, describe: noFollowupLine };

export class PreviewLines implements Iterable<ExchangeLine> {
  private size = 0;
  private refs = new Int32Array(1024);
  private mines = new Int32Array(1024);
  private fields = new Uint8Array(1024);
  private kinds = new Uint8Array(1024);
  private locks = new Uint8Array(1024);
  /** Index in `reasons` + 1; 0: none. */
  private reasonOf = new Int32Array(1024);
  private readonly reasons: string[] = [];
  private readonly reasonIndex = new Map<string, number>();
  private readonly whole: ExchangeLine[] = [];

  constructor(private readonly facts: LineFacts = NO_FACTS) {}

  /** A store of lines given whole (tests, a preview built by hand). */
  static of(lines: Iterable<ExchangeLine>): PreviewLines {
    const store = new PreviewLines();
    for (const line of lines) store.pushWhole(line);
    return store;
  }

  get length(): number {
    return this.size;
  }

  private grow(): void {
    const more = <T extends Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.refs = more(this.refs);
    this.mines = more(this.mines);
    this.fields = more(this.fields);
    this.kinds = more(this.kinds);
    this.locks = more(this.locks);
    this.reasonOf = more(this.reasonOf);
  }

  private reasonId(reason: string | undefined): number {
    if (reason === undefined) return 0;
    let id = this.reasonIndex.get(reason);
    if (id === undefined) {
      id = this.reasons.push(reason);
      this.reasonIndex.set(reason, id);
    }
    return id;
  }

  /** A follow-up cell: incoming row `ref`, its field number, the local row compared (-1: none). */
  push(ref: number, field: number, mine: number, kind: LineKind, lockReason?: LockReason, refusedReason?: string): void {
    if (this.size === this.refs.length) this.grow();
    const i = this.size++;
    this.refs[i] = ref;
    this.fields[i] = field;
    this.mines[i] = mine;
    this.kinds[i] = KINDS.indexOf(kind);
    this.locks[i] = LOCKS.indexOf(lockReason);
    this.reasonOf[i] = this.reasonId(refusedReason);
  }

  /** A line kept whole (FIPD, results). */
  pushWhole(line: ExchangeLine): void {
    if (this.size === this.refs.length) this.grow();
    const i = this.size++;
    this.refs[i] = this.whole.push(line) - 1;
    this.fields[i] = WHOLE;
    this.mines[i] = -1;
    this.kinds[i] = KINDS.indexOf(line.kind);
    this.locks[i] = LOCKS.indexOf(line.lockReason);
    this.reasonOf[i] = this.reasonId(line.refusedReason);
  }

  /** Marks a line refused (found by the import's trial writes), with its French reason. */
  refuse(i: number, reason: string): void {
    this.kinds[i] = KINDS.indexOf('refused');
    this.locks[i] = 0;
    this.reasonOf[i] = this.reasonId(reason);
    if (this.fields[i] === WHOLE) {
      const { lockReason: _lock, ...line } = this.whole[this.refs[i]!]!;
      this.whole[this.refs[i]!] = { ...line, kind: 'refused', refusedReason: reason };
    }
  }

  kindAt(i: number): LineKind {
    return KINDS[this.kinds[i]!]!;
  }

  refusedReasonAt(i: number): string | undefined {
    const id = this.reasonOf[i]!;
    return id === 0 ? undefined : this.reasons[id - 1];
  }

  /** True for a FIPD or results line (kept whole). */
  isWhole(i: number): boolean {
    return this.fields[i] === WHOLE;
  }

  tableAt(i: number): ExchangeTable {
    return this.isWhole(i) ? this.whole[this.refs[i]!]!.table : this.facts.table(this.refs[i]!);
  }

  qrrKeyAt(i: number): string {
    return this.isWhole(i) ? this.whole[this.refs[i]!]!.qrrKey : this.facts.qrrKey(this.refs[i]!);
  }

  periodAt(i: number): string {
    return this.isWhole(i) ? this.whole[this.refs[i]!]!.periodCode : this.facts.periodCode(this.refs[i]!);
  }

  /** The line's key (`table|qrrKey|code|period|field`), without building the line. */
  keyAt(i: number): string {
    if (this.isWhole(i)) return this.whole[this.refs[i]!]!.key;
    const ref = this.refs[i]!;
    const f = this.facts;
    return `${f.table(ref)}|${f.qrrKey(ref)}|${f.code(ref)}|${f.periodCode(ref)}|${f.fieldName(ref, this.fields[i]!)}`;
  }

  /** The whole line, built now. */
  at(i: number): ExchangeLine {
    if (this.isWhole(i)) return this.whole[this.refs[i]!]!;
    const kind = this.kindAt(i);
    const lockReason = LOCKS[this.locks[i]!];
    const refusedReason = this.refusedReasonAt(i);
    return {
      ...this.facts.describe(this.refs[i]!, this.fields[i]!, this.mines[i]!),
      kind,
      ...(kind === 'locked' && lockReason ? { lockReason } : {}),
      ...(kind === 'refused' && refusedReason !== undefined ? { refusedReason } : {}),
    };
  }

  matches(i: number, filter: LineFilter): boolean {
    return (
      (filter.kind === undefined || this.kindAt(i) === filter.kind) &&
      (filter.qrrKey === undefined || this.qrrKeyAt(i) === filter.qrrKey) &&
      (filter.periodCode === undefined || this.periodAt(i) === filter.periodCode)
    );
  }

  /** The lines matching a filter, from `offset`, at most `limit`, and how many match in all. */
  page(filter: LineFilter, offset: number, limit: number): { lines: ExchangeLine[]; total: number } {
    const lines: ExchangeLine[] = [];
    let total = 0;
    for (let i = 0; i < this.size; i++) {
      if (!this.matches(i, filter)) continue;
      if (total >= offset && lines.length < limit) lines.push(this.at(i));
      total++;
    }
    return { lines, total };
  }

  counts(): Record<LineKind, number> {
    const counts: Record<LineKind, number> = { new: 0, identical: 0, conflict: 0, locked: 0, refused: 0 };
    for (let i = 0; i < this.size; i++) counts[KINDS[this.kinds[i]!]!]++;
    return counts;
  }

  *[Symbol.iterator](): Iterator<ExchangeLine> {
    for (let i = 0; i < this.size; i++) yield this.at(i);
  }

  /** Array-like reading (tests, small previews): each line built as it is visited. */
  filter(keep: (line: ExchangeLine) => boolean): ExchangeLine[] {
    const out: ExchangeLine[] = [];
    for (const line of this) if (keep(line)) out.push(line);
    return out;
  }

  find(test: (line: ExchangeLine) => boolean): ExchangeLine | undefined {
    for (const line of this) if (test(line)) return line;
    return undefined;
  }

  map<T>(fn: (line: ExchangeLine) => T): T[] {
    const out: T[] = [];
    for (const line of this) out.push(fn(line));
    return out;
  }
}

/** The QRRs (by key, with the name the lines show) and the quarters that have lines: the preview's filters. */
export function lineFilters(lines: PreviewLines): { qrrs: { key: string; name: string }[]; periods: string[] } {
  const qrrs = new Map<string, number>();
  const periods = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const key = lines.qrrKeyAt(i);
    if (!qrrs.has(key)) qrrs.set(key, i);
    periods.add(lines.periodAt(i));
  }
  return {
    qrrs: [...qrrs].map(([key, i]) => ({ key, name: lines.at(i).qrrName })),
    periods: [...periods].sort().reverse(),
  };
}
