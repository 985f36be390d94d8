/**
 * The follow-up grids at 3, 62, 400 and 1,600 quartiers (56 indicators × 8
 * quarters each; bench/grid-databases.ts):
 *
 * - in process: what the Indicateurs screen loads for one quartier shown
 *   (loadIndicatorGrid) against what it loaded before (both quarters of every
 *   quartier, listIndicatorValues); every quartier side by side; a paste of
 *   up to 1,000 cells, planned by the grid model and saved in one batch,
 *   against one request per cell; completeness of every quartier grouped once;
 * - in the page (the real React UI in Debian's Chromium through the e2e
 *   harness, window.api bridged to the real handlers over the SQLite file):
 *   from the click on « Indicateurs » to the grid showing the quartier's
 *   values, and from the Enter that confirms a typed cell to the cell showing
 *   the saved value.
 *
 * Medians; the 3-quartier figures are the baseline each scale is compared to,
 * in the same run; the load average is printed beside them (2 shared cores).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { createAppCore, type AppCore } from '../electron/services/app-core';
import { indicatorCompleteness } from '../shared/domain/completeness';
import { decodeIndicatorGrid } from '../shared/domain/followup-grid';
import { periodOfDate, previousPeriod } from '../shared/domain/period';
import type { IndicatorValueRecord, Qrr } from '../shared/domain/types';
import { formatInteger } from '../shared/format/fr';
import { formatFixedFr } from '../shared/format/number-fr';
import type { ChannelName, RequestOf, ResponseOf } from '../shared/ipc/contract';
import type { Engagement } from '../shared/referential/types';
import { buildRows, partColId, planWrites } from '../renderer/src/screens/indicators/indicator-grid-model';
import { E2E_ORIGIN, launchBrowser, startApp } from '../tests/support/e2e-harness';
import { gridDatabase, scratchCopy } from './grid-databases';
import { COMMUNES_FILE } from './support';

export const GRID_SCALES = [3, 62, 400, 1600] as const;

const ms = (n: number): string => `${formatFixedFr(n, 1)} ms`;
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const load = (): string => os.loadavg().map((l) => formatFixedFr(l, 2)).join(' / ');

async function timed<T>(run: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

async function medianOf(times: number, run: () => Promise<unknown> | unknown): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) out.push((await timed(run)).ms);
  return median(out);
}

async function must<C extends ChannelName>(core: AppCore, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await core.dispatch(channel, request);
  if (!result.ok) throw new Error(`${channel} : ${result.error.message}`);
  return result.value as ResponseOf<C>;
}

const openCore = (databasePath: string): Promise<AppCore> =>
  createAppCore({
    databasePath,
    backupDir: `${databasePath}-sauvegardes`,
    communesFile: COMMUNES_FILE,
    appVersion: 'bench',
    osUser: 'bench',
    origin: 'bench',
    startupBackup: false,
    log: { error: (m, d) => console.error(m, d) },
  });

interface ProcessFigures {
  readonly loadOne: number;
  readonly loadBefore: number;
  readonly loadAll: number;
  readonly records: number;
  readonly pasteCells: number;
  readonly pastePlan: number;
  readonly pasteSave: number;
  readonly pastePerCell: number;
  readonly completeness: number;
}

/** In process, over the dispatcher as the window reaches it. */
async function measureInProcess(file: string): Promise<ProcessFigures> {
  const copy = scratchCopy(file);
  const core = await openCore(copy.path);
  try {
    const { engagements } = await must(core, 'getReferential', undefined);
    const qrrs = (await must(core, 'listQrrs', { includeArchived: false })) as Qrr[];
    const period = periodOfDate(new Date());
    const first = [qrrs[0]!.id];
    const all = qrrs.map((q) => q.id);
    // Once before timing: statements prepared, code warmed, as in a window already open.
    await must(core, 'loadIndicatorGrid', { periodCode: period, qrrIds: first });
    const loadOne = await medianOf(5, async () => decodeIndicatorGrid(await must(core, 'loadIndicatorGrid', { periodCode: period, qrrIds: first })));
    // Before: the screen listed both quarters of every quartier, whatever it showed.
    const loadBefore = await medianOf(3, () =>
      Promise.all([must(core, 'listIndicatorValues', { periodCode: period }), must(core, 'listIndicatorValues', { periodCode: previousPeriod(period)! })]),
    );
    let records: IndicatorValueRecord[] = [];
    const loadAll = await medianOf(3, async () => {
      records = decodeIndicatorGrid(await must(core, 'loadIndicatorGrid', { periodCode: period, qrrIds: all })).records;
    });

    // A paste: up to 18 quartiers side by side × the first part of the 56 indicators, trimmed to 1,000 cells.
    const shown = qrrs.slice(0, 18);
    const shownIds = new Set(shown.map((q) => q.id));
    const rows = buildRows(engagements as Engagement[], records.filter((r) => shownIds.has(r.qrrId)), []);
    // 05-02 is computed from the FIPD credits: its cells are read-only in the grid.
    const indicators = engagements.flatMap((e) => e.indicators).filter((i) => i.code !== '05-02');
    const textFor = (type: string): string => (type === 'enum' ? 'En cours' : type === 'boolean' ? 'oui' : '7');
    const writes = shown.flatMap((q) => indicators.map((i) => ({ rowId: i.code, colId: partColId(q.id, 0), text: textFor(i.parts[0]!.type) }))).slice(0, 1000);
    const planned = await timed(() => planWrites(rows, writes));
    const changes = planned.value.changes.map((c) => ({ qrrId: c.qrrId, indicatorCode: c.indicatorCode, ...('value' in c ? { value: c.value } : {}) }));
    const batch = await timed(() => must(core, 'saveIndicatorValues', { periodCode: period, via: 'collage', changes }));
    // Baseline: the same cells written back one request per cell, as a grid without batching would.
    const perCell = await timed(async () => {
      for (const c of planned.value.changes) {
        await must(core, 'saveIndicatorValues', { periodCode: period, via: 'annulation', changes: [{ qrrId: c.qrrId, indicatorCode: c.indicatorCode, value: c.before.value }] });
      }
    });

    const completeness = await medianOf(3, () => {
      const byQrr = new Map<number, Map<string, IndicatorValueRecord['value']>>();
      for (const r of records) {
        let mine = byQrr.get(r.qrrId);
        if (!mine) byQrr.set(r.qrrId, (mine = new Map()));
        mine.set(r.indicatorCode, r.value);
      }
      return qrrs.map((q) => indicatorCompleteness(engagements, (code) => byQrr.get(q.id)?.get(code)));
    });
    return {
      loadOne,
      loadBefore,
      loadAll,
      records: records.length,
      pasteCells: writes.length,
      pastePlan: planned.ms,
      pasteSave: batch.ms,
      pastePerCell: perCell.ms,
      completeness,
    };
  } finally {
    core.close();
    copy.remove();
  }
}

interface PageFigures {
  readonly show: number;
  readonly type: number;
}

/** The row typed into: 01-03, a count (« Nombre de … »). */
const TYPED_ROW = '01-03';

/**
 * In page: resolves with the time from `start` (an event the page sees) to
 * the moment `done` holds in the DOM (checked on every DOM change).
 */
const armTimer = (page: Page, start: 'click' | 'enter', doneSelector: string, expected: string | null): Promise<void> =>
  // A string, not a function: the bench runs through tsx, whose helpers (__name) do not exist in the page.
  page.evaluate(`(() => {
    const start = ${JSON.stringify(start)}, doneSelector = ${JSON.stringify(doneSelector)}, expected = ${JSON.stringify(expected)};
    window.__qrrBench = new Promise((resolve) => {
      let t0 = null;
      // A cell showing a saved value: not an editor, not an empty cell's grey hint.
      const done = () =>
        [...document.querySelectorAll(doneSelector)].some((cell) => {
          if (cell.classList.contains('qrr-cell--placeholder') || cell.querySelector('input')) return false;
          const text = (cell.textContent || '').trim();
          return expected === null ? text !== '' : text === expected;
        });
      const observer = new MutationObserver(() => {
        if (t0 !== null && done()) {
          observer.disconnect();
          resolve(performance.now() - t0);
        }
      });
      const begin = (event) => {
        if (start === 'enter' && event.key !== 'Enter') return;
        if (t0 !== null) return;
        t0 = performance.now();
        document.removeEventListener(start === 'click' ? 'click' : 'keydown', begin, { capture: true });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
      };
      document.addEventListener(start === 'click' ? 'click' : 'keydown', begin, { capture: true });
    });
  })()`);

const timerResult = (page: Page): Promise<number> => page.evaluate('window.__qrrBench') as Promise<number>;

async function measureInPage(browser: Browser, file: string): Promise<PageFigures> {
  const copy = scratchCopy(file);
  const app = await startApp(browser, { databasePath: copy.path });
  const { page } = app;
  // Generous: a slow figure is a finding to print, not a failure.
  page.setDefaultTimeout(120_000);
  try {
    // Start on a light screen (the dashboard computes the whole quarter's report model).
    await page.goto(`${E2E_ORIGIN}/index.html#/parametres`);
    const link = (name: string) => page.getByRole('link', { name, exact: true });
    await link('Indicateurs').waitFor();
    const anyValue = `.ag-row[row-id] .ag-cell[col-id$=":p0"]`;
    const shows: number[] = [];
    for (let i = 0; i < 5; i++) {
      await armTimer(page, 'click', anyValue, null);
      await link('Indicateurs').click();
      shows.push(await timerResult(page));
      if (i < 4) {
        await link('Paramètres').click();
        await page.locator('.qrr-sheet').waitFor({ state: 'detached' });
      }
    }
    const colId = (await page.locator(`.ag-row[row-id="${TYPED_ROW}"] .ag-cell[col-id$=":p0"]`).first().getAttribute('col-id'))!;
    const target = `.ag-row[row-id="${TYPED_ROW}"] .ag-cell[col-id="${colId}"]`;
    const types: number[] = [];
    for (let i = 0; i < 7; i++) {
      const text = String(101 + i);
      await page.locator(target).first().click();
      await page.keyboard.type(text);
      await page.locator('.ag-cell-inline-editing').waitFor();
      await armTimer(page, 'enter', target, text);
      await page.keyboard.press('Enter');
      types.push(await timerResult(page));
    }
    if (app.consoleErrors.length > 0) throw new Error(`Erreurs dans la page : ${app.consoleErrors.join(' | ')}`);
    return { show: median(shows), type: median(types) };
  } finally {
    await app.close();
    copy.remove();
  }
}

const ratio = (n: number, base: number): string => `×${formatFixedFr(n / base, 1)}`;

export async function benchGrids(scales: readonly number[] = GRID_SCALES): Promise<void> {
  console.log(`Charge de la machine au départ (1 / 5 / 15 min) : ${load()}`);
  const files = new Map<number, string>();
  for (const n of scales) files.set(n, await gridDatabase(n));

  const inProcess = new Map<number, ProcessFigures>();
  for (const n of scales) inProcess.set(n, await measureInProcess(files.get(n)!));
  const base = inProcess.get(scales[0]!)!;
  console.log(`\nDans le processus (médianes ; référence : ${scales[0]} quartiers, même exécution)`);
  for (const n of scales) {
    const f = inProcess.get(n)!;
    console.log(
      `${formatInteger(n)} quartiers — grille d'un quartier : ${ms(f.loadOne)} (${ratio(f.loadOne, base.loadOne)}) ; ` +
        `avant (les 2 trimestres de tous les quartiers) : ${ms(f.loadBefore)} ; tous côte à côte (${formatInteger(f.records)} valeurs) : ${ms(f.loadAll)} ; ` +
        `collage de ${formatInteger(f.pasteCells)} cellules : ${ms(f.pastePlan + f.pasteSave)} (préparation ${ms(f.pastePlan)}, enregistrement ${ms(f.pasteSave)} ; ` +
        `une requête par cellule : ${ms(f.pastePerCell)}) ; complétude de tous les quartiers : ${ms(f.completeness)}`,
    );
  }

  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    console.log(`Mesure dans la page ignorée : ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  try {
    const inPage = new Map<number, PageFigures>();
    for (const n of scales) inPage.set(n, await measureInPage(browser, files.get(n)!));
    const first = inPage.get(scales[0]!)!;
    console.log(`\nDans la page (Chromium, interface réelle ; médianes de 5 affichages et 7 saisies ; référence : ${scales[0]} quartiers)`);
    for (const n of scales) {
      const f = inPage.get(n)!;
      console.log(
        `${formatInteger(n)} quartiers — clic sur « Indicateurs » → grille affichée : ${ms(f.show)} (${ratio(f.show, first.show)}) ; ` +
          `Entrée → case enregistrée et affichée : ${ms(f.type)} (${ratio(f.type, first.type)})`,
      );
    }
  } finally {
    await browser.close();
  }
  console.log(`Charge de la machine à la fin (1 / 5 / 15 min) : ${load()}`);
}

if (require.main === module) {
  const scales = process.argv.slice(2).map(Number).filter((n) => n >= 3);
  benchGrids(scales.length > 0 ? scales : GRID_SCALES).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
