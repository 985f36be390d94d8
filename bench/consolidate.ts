/**
 * Benchmark of the national consolidation: 100 départements' exchange files
 * (the demonstration département's quarter, exported once, its 3 quartiers
 * copied to 16 — 1,600 in all, the national count — rewritten with 100 real
 * département codes and sealed again), then, timed step by step:
 * - reading and strict parsing (size, JSON, duplicate keys, schema, SHA-256),
 *   against the baseline of a bare JSON.parse of the same files;
 * - the consolidation (shared/exchange/consolidate.ts), against the baseline
 *   of building the 100 départements' own dashboard models (buildReportModel,
 *   data already loaded);
 * - the national PDF, against the baseline of one département's report PDF.
 * Figures, no assertions; the ratios are what matter, not the machine.
 *
 * Plain Node, never imports electron.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchFolder, COMMUNES_FILE } from './support';
import type { AppCore } from '../electron/services/app-core';
import type { ServiceContext } from '../electron/services/context';
import { generateDemo } from '../electron/services/demo';
import { parseConsolidationFiles, readExchangeFiles } from '../electron/services/exchange-consolidation';
import { exportExchange } from '../electron/services/exchange/export';
import { createGeography, DEPARTEMENTS } from '../electron/services/geography';
import { SEED_REFERENTIAL } from '../electron/services/referential';
import { renderNationalPdf } from '../electron/services/report/national-pdf';
import { loadReportData } from '../electron/services/report/load-report-data';
import { loadReportFonts, renderReportPdf } from '../electron/services/report/pdf';
import { periodOfDate } from '../shared/domain/period';
import { consolidateExchanges } from '../shared/exchange/consolidate';
import { qrrExchangeKey, sealExchangeDocument, serializeExchangeDocument, type UnsignedExchangeDocument } from '../shared/exchange/format';
import { formatInteger } from '../shared/format/fr';
import { formatFixedFr } from '../shared/format/number-fr';
import { buildReportModel } from '../shared/report/report-model';

const DEPARTEMENT_COUNT = 100;
/** Quartiers per file: 100 × 16 = 1,600, the national count the consolidation must handle (the demonstration has 3). */
const QRRS_PER_FILE = 16;
/** Issue 16's « Done when »: the 100 files read and consolidated within 5 s (the national PDF is printed beside it, not counted in it). */
const TARGET_MS = 5_000;

export interface ConsolidationBenchResult {
  readonly files: number;
  readonly bytes: number;
  readonly pages: number;
  readonly ms: Readonly<Record<'parse' | 'jsonParse' | 'consolidate' | 'dashboards' | 'pdf' | 'departementPdf', number>>;
}

/** Wall time, and the process's CPU time (user + system, every thread): on a shared, loaded machine the second says what the work costs. */
async function timed<T>(run: () => T | Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await run();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, ms, cpuMs: (c.user + c.system) / 1000 };
}

/** The document with `count` quartiers, each a copy (new name, same communes) of one of the demonstration's, with its rows. */
function withQrrCount(doc: UnsignedExchangeDocument, count: number): UnsignedExchangeDocument {
  const copies = Array.from({ length: count }, (_, i) => {
    const model = doc.qrrs[i % doc.qrrs.length]!;
    const name = i < doc.qrrs.length ? model.name : `${model.name} ${Math.floor(i / doc.qrrs.length) + 1}`;
    return { model: model.key, qrr: { ...model, name, key: qrrExchangeKey(name, model.communes) } };
  });
  const copy = <T extends { qrrKey: string }>(rows: readonly T[]): T[] =>
    copies.flatMap(({ model, qrr }) => rows.filter((r) => r.qrrKey === model).map((r) => ({ ...r, qrrKey: qrr.key })));
  return {
    ...doc,
    qrrs: copies.map((c) => c.qrr),
    indicatorValues: copy(doc.indicatorValues),
    actionStatuses: copy(doc.actionStatuses),
    assessments: copy(doc.assessments),
    fipdEnvelopes: copy(doc.fipdEnvelopes),
    subsidies: copy(doc.subsidies).map((s, i) => ({ ...s, uid: (i + 1).toString(16).padStart(32, '0') })),
    ...(doc.results
      ? { results: { ...doc.results, sansObjet: copy(doc.results.sansObjet), targets: copy(doc.results.targets) } }
      : {}),
  };
}

/**
 * The inputs, not timed: one département's quarter (16 quartiers), sent by
 * 100 départements, as files in a fresh folder; the demonstration database
 * they come from stays open (the caller closes it and removes the folder).
 */
export async function consolidationInputs(now: Date): Promise<{ core: AppCore; ctx: ServiceContext; dir: string; files: string[]; period: string }> {
  const folder = benchFolder('qrr-bench-consolidation-');
  const core = await folder.open('qrr.sqlite', () => now);
  await generateDemo(core, { scale: 'departement', now });
  const period = periodOfDate(now);
  const ctx = { db: core.db, now: () => now, osUser: 'bench', origin: 'bench' };
  const { sha256: _hash, ...demo } = exportExchange(ctx, { periods: [period] });
  const unsigned = withQrrCount(demo, QRRS_PER_FILE);
  const files = DEPARTEMENTS.slice(0, DEPARTEMENT_COUNT).map((d) => {
    const file = path.join(folder.dir, `qrr-${d.code}-${period}.qrr`);
    fs.writeFileSync(file, serializeExchangeDocument(sealExchangeDocument({ ...unsigned, departement: { code: d.code, nom: d.nom } })));
    return file;
  });
  return { core, ctx, dir: folder.dir, files, period };
}

export async function benchConsolidation(log: (line: string) => void = console.log): Promise<ConsolidationBenchResult> {
  const now = new Date();
  const { core, ctx, dir, files, period } = await consolidationInputs(now);
  try {
    const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    const fonts = loadReportFonts();
    const geography = createGeography(COMMUNES_FILE);
    geography.communesOf('93'); // the communes file is read once per process: not part of a report
    const generatedAt = now.toISOString();

    const parse = await timed(() => parseConsolidationFiles(readExchangeFiles(files)));
    const jsonParse = await timed(() => files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as unknown));
    const consolidate = await timed(() => consolidateExchanges({ referential: SEED_REFERENTIAL, files: parse.value, periodCode: period }));
    const input = loadReportData(ctx, period, { geography });
    const dashboards = await timed(() => files.map(() => buildReportModel(input)));
    const pdf = await timed(() => renderNationalPdf(consolidate.value, { generatedAt, fonts }));
    const departementPdf = await timed(() => renderReportPdf(dashboards.value[0]!, { generatedAt, fonts }));

    const model = consolidate.value;
    const f = (n: number) => `${formatInteger(Math.round(n))} ms`;
    const x = (a: number, b: number) => `×${formatFixedFr(a / b, 1)}`;
    log(
      `Synthèse nationale : ${formatInteger(files.length)} fichiers d'échange (${formatFixedFr(bytes / (1024 * 1024), 1)} Mo, ` +
        `${formatInteger(model.totals.qrrs)} quartiers, ${model.period.label})`,
    );
    const cpu = (t: { cpuMs: number }) => `CPU ${f(t.cpuMs)}`;
    log(
      `  lecture et vérification stricte (JSON, clés, schéma, SHA-256) : ${f(parse.ms)} (${cpu(parse)}) ; ` +
        `référence JSON.parse seul ${f(jsonParse.ms)} (${cpu(jsonParse)}) (${x(parse.ms, jsonParse.ms)})`,
    );
    log(
      `  consolidation : ${f(consolidate.ms)} (${cpu(consolidate)}) ; référence : les ${formatInteger(files.length)} tableaux de bord départementaux ` +
        `(buildReportModel, données chargées) ${f(dashboards.ms)} (consolidation ${x(dashboards.ms, consolidate.ms)} plus rapide)`,
    );
    log(
      `  PDF national : ${f(pdf.ms)} (${cpu(pdf)}), ${formatInteger(pdf.value.pages)} pages, ${formatInteger(Math.round(pdf.value.bytes.length / 1024))} Ko ; ` +
        `référence : le rapport PDF d'un seul département ${f(departementPdf.ms)}`,
    );
    const readAndConsolidate = parse.ms + consolidate.ms;
    log(
      `  lecture + consolidation : ${f(readAndConsolidate)} (${cpu({ cpuMs: parse.cpuMs + consolidate.cpuMs })}) (objectif ≤ ${f(TARGET_MS)} : ${readAndConsolidate <= TARGET_MS ? 'atteint' : 'NON atteint'}) ; ` +
        `avec le PDF national : ${f(readAndConsolidate + pdf.ms)} ; charge de la machine ${os.loadavg().map((l) => formatFixedFr(l, 2)).join(' / ')} (2 cœurs)`,
    );
    return {
      files: files.length,
      bytes,
      pages: pdf.value.pages,
      ms: { parse: parse.ms, jsonParse: jsonParse.ms, consolidate: consolidate.ms, dashboards: dashboards.ms, pdf: pdf.ms, departementPdf: departementPdf.ms },
    };
  } finally {
    core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
