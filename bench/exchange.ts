/**
 * Benchmark of exchange files: a département's full file (the demonstration:
 * 3 QRRs, 8 quarters) exported, then read, previewed and applied into an
 * empty database, in process, with the application's services.
 *
 * Two baselines, run in the same process so the ratios are what matters:
 * - reading: JSON.parse and SHA-256 (node:crypto) of the file's bytes, the
 *   least any reader does; the real read adds the format checks and the
 *   canonical hash, the preview the comparison with the database;
 * - applying: the same follow-up rows written one request per row through the
 *   dispatcher (one transaction each), as an import without batching would,
 *   into a third database given the same QRRs and quarters first.
 *
 * Reads and previews are repeated (median of RUNS); the apply runs once (it
 * writes). Figures, never assertions. Plain Node, never imports electron.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { benchFolder, COMMUNES_FILE } from './support';
import { performance } from 'node:perf_hooks';
import type { AppCore } from '../electron/services/app-core';
import { backupDatabase } from '../electron/services/db/backup';
import { generateDemo } from '../electron/services/demo';
import { applyImport } from '../electron/services/exchange/apply';
import { exchangeFileName, exportExchange, writeExchangeFile } from '../electron/services/exchange/export';
import { previewImport } from '../electron/services/exchange/preview';
import { readExchangeSource } from '../electron/services/exchange/sources';
import { createGeography } from '../electron/services/geography';
import { COMPUTED_INDICATOR_CODE } from '../shared/exchange/diff';
import type { ExchangeDocument } from '../shared/exchange/format';
import { formatInteger } from '../shared/format/fr';
import { formatFixedFr } from '../shared/format/number-fr';

const ms = (n: number): string => `${formatFixedFr(n, n < 100 ? 1 : 0)} ms`;
const ratio = (n: number, base: number): string => `×${formatFixedFr(n / base, 1)}`;

async function time<T>(run: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

/** Read-only measures are repeated: the median of RUNS, so the first run's warm-up (JIT, caches) does not count. */
const RUNS = 5;
async function median<T>(run: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const runs: { value: T; ms: number }[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await time(run));
  return runs.sort((x, y) => x.ms - y.ms)[Math.floor(RUNS / 2)]!;
}

async function request(core: AppCore, channel: string, payload: unknown): Promise<void> {
  const result = await core.dispatch(channel as never, payload as never);
  if (!result.ok) throw new Error(`bench: ${channel}: ${result.error.message}`);
}

/**
 * The baseline of applying: the QRRs and quarters created by an import of the
 * file emptied of its rows (quarters left open, so they stay writable), then
 * every non-empty row written by its own request. Returns the time of the rows
 * only, and how many requests were made.
 */
async function perRowBaseline(core: AppCore, ctx: Parameters<typeof applyImport>[0], document: ExchangeDocument, geography: ReturnType<typeof createGeography>): Promise<{ ms: number; requests: number }> {
  const skeleton: ExchangeDocument = {
    ...document,
    periods: document.periods.map((p) => ({ ...p, state: 'open' as const })),
    indicatorValues: [],
    actionStatuses: [],
    assessments: [],
  };
  await applyImport(ctx, skeleton, { defaultChoice: 'theirs' }, { backup: async () => '', fileName: 'squelette.qrr', hash: '', geography });
  const idByName = new Map((core.db.prepare('SELECT id, name FROM qrr').all() as { id: number; name: string }[]).map((q) => [q.name, q.id]));
  const qrrId = new Map(document.qrrs.map((q) => [q.key, idByName.get(q.name)!]));
  // Only what an import writes: an empty incoming cell is never written.
  const set = <T extends object>(fields: T): Partial<T> =>
    Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== '' && v !== 'non_renseignee')) as Partial<T>;
  const requests: [string, unknown][] = [];
  for (const r of document.indicatorValues) {
    // 05-02 is computed from the FIPD lines here: the application refuses it as a typed value.
    if (r.indicatorCode === COMPUTED_INDICATOR_CODE) continue;
    const fields = set({ value: r.value, target: r.target, comment: r.comment, source: r.source });
    if (Object.keys(fields).length > 0) {
      requests.push(['saveIndicatorValues', { periodCode: r.periodCode, changes: [{ qrrId: qrrId.get(r.qrrKey), indicatorCode: r.indicatorCode, ...fields }] }]);
    }
  }
  for (const r of document.actionStatuses) {
    const fields = set({ status: r.status, comment: r.comment, referent: r.referent });
    if (Object.keys(fields).length > 0) {
      requests.push(['saveActionStatuses', { periodCode: r.periodCode, changes: [{ qrrId: qrrId.get(r.qrrKey), actionCode: r.actionCode, ...fields }] }]);
    }
  }
  for (const r of document.assessments) {
    const fields = set({ meteo: r.meteo, trend: r.trend, comment: r.comment });
    if (Object.keys(fields).length > 0) {
      requests.push(['saveAssessment', { periodCode: r.periodCode, qrrId: qrrId.get(r.qrrKey), engagementCode: r.engagementCode, ...fields }]);
    }
  }
  const { ms: took } = await time(async () => {
    for (const [channel, payload] of requests) await request(core, channel, payload);
  });
  return { ms: took, requests: requests.length };
}

export async function benchExchange(log: (line: string) => void = console.log): Promise<void> {
  const now = new Date();
  const folder = benchFolder('qrr-bench-echange-');
  const dir = folder.dir;
  const backupDir = path.join(dir, 'sauvegardes');
  const open = (name: string) => folder.open(name);
  const cores: AppCore[] = [];
  try {
    const a = await open('envoi.sqlite');
    cores.push(a);
    const demo = await generateDemo(a, { scale: 'departement', now });
    const colleague = async (name: string) => {
      const core = await open(name);
      cores.push(core);
      await request(core, 'saveSettings', { departementCode: '93', prefetName: '', coordinatorName: "Banc d'essai" });
      return { core, ctx: { db: core.db, now: () => new Date(), osUser: 'bench', origin: 'bench' } };
    };
    const b = await colleague('reception.sqlite');
    const c = await colleague('reference.sqlite');
    const geography = createGeography(COMMUNES_FILE);
    geography.communesOf('93'); // the communes file is read once per process: not part of an import

    const ctxA = { db: a.db, now: () => new Date(), osUser: 'bench', origin: 'bench' };
    const exported = await time(() => {
      const doc = exportExchange(ctxA);
      return writeExchangeFile(doc, path.join(dir, exchangeFileName(doc)));
    });
    const file = exported.value;

    const baseline = await median(() => {
      const bytes = fs.readFileSync(file);
      JSON.parse(bytes.toString('utf8'));
      return createHash('sha256').update(bytes).digest('hex');
    });
    const read = await median(async () => readExchangeSource(file));
    const { document, fileName, fileHash } = read.value;
    const preview = await median(() => previewImport(b.ctx, document, geography));
    let backupMs = 0;
    const applied = await time(() =>
      applyImport(b.ctx, document, { defaultChoice: 'theirs' }, {
        backup: async () => {
          const t = await time(() => backupDatabase(b.core.db, backupDir, 'avant-import', new Date()));
          backupMs = t.ms;
          return path.basename(t.value);
        },
        fileName,
        hash: fileHash,
        geography,
      }),
    );
    const again = await median(() => previewImport(b.ctx, document, geography));
    const perRow = await perRowBaseline(c.core, c.ctx, document, geography);

    const cells = preview.value.lines.length;
    log(
      `Fichier d'échange du département (${demo.qrrs} QRR, ${demo.periods} trimestres) : ${formatInteger(cells)} cases, ` +
        `${formatInteger(Math.round(fs.statSync(file).size / 1024))} Ko ; export ${ms(exported.ms)}`,
    );
    log(`  référence : JSON.parse + SHA-256 des octets du fichier ${ms(baseline.ms)} (lectures : médiane de ${RUNS} essais)`);
    log(`  lecture et contrôle (format, schéma, empreinte canonique) ${ms(read.ms)} (${ratio(read.ms, baseline.ms)})`);
    log(
      `  aperçu dans une base vide ${ms(preview.ms)} (${ratio(preview.ms, baseline.ms)}) ; ` +
        `aperçu du même fichier une fois importé (tout identique) ${ms(again.ms)} (${ratio(again.ms, baseline.ms)})`,
    );
    log(
      `  application (${formatInteger(applied.value.applied.new)} cases, ${applied.value.qrrsCreated} QRR créés, ${applied.value.periodsOpened} trimestres ouverts) ` +
        `${ms(applied.ms)}, dont sauvegarde avant import ${ms(backupMs)} (${ratio(applied.ms, baseline.ms)})`,
    );
    log(
      `  référence : les mêmes lignes écrites une requête par ligne (${formatInteger(perRow.requests)} requêtes) ${ms(perRow.ms)} — ` +
        `application en une transaction ${ratio(perRow.ms, applied.ms)} plus rapide`,
    );
  } finally {
    for (const core of cores) core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
