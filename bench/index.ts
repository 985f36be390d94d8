/**
 * `npm run bench`: figures, not assertions. Each measure is printed with a
 * baseline run in the same process, so the ratio is what matters, not the
 * machine.
 *
 * 0. Start-up of the command line (bench/cli.ts).
 * 1. Grids on a national-scale database (the demonstration's `national`
 *    scale, generated once and kept in the temp folder):
 *    - loading a quarter's indicator values (all quartiers, and one);
 *    - applying a 1,000-cell paste: planned by the grid model, saved in one
 *      batch, against the baseline of one request per cell;
 *    - computing completeness for every quartier.
 * 2. The quarterly report of a département: build, attach and sign (bench/report.ts).
 * 3. A département's full exchange file: read, preview and apply into an empty
 *    database (bench/exchange.ts).
 * 4. The national summary of 100 départements' exchange files: read, consolidate,
 *    PDF (bench/consolidate.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createAppCore, type AppCore } from '../electron/services/app-core';
import { DEFAULT_DEMO_SEED, generateDemo } from '../electron/services/demo';
import { indicatorCompleteness } from '../shared/domain/completeness';
import { periodOfDate, previousPeriod } from '../shared/domain/period';
import type { IndicatorValueRecord, Qrr } from '../shared/domain/types';
import { formatInteger } from '../shared/format/fr';
import { formatFixedFr } from '../shared/format/number-fr';
import type { Engagement } from '../shared/referential/types';
import { buildRows, partColId, planWrites } from '../renderer/src/screens/indicators/indicator-grid-model';
import { benchReport } from './report';
import { benchConsolidation } from './consolidate';
import { benchExchange } from './exchange';
import { benchCli } from './cli';

import { COMMUNES_FILE } from './support';
const ms = (n: number): string => `${formatFixedFr(n, 1)} ms`;

async function time<T>(run: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

async function unwrap<T>(promise: Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(result.error!.message);
  return result.value as T;
}

/** The national demonstration database, generated once and kept in the temp folder. */
const nationalFile = (): string => path.join(os.tmpdir(), `qrr-bench-national-8t-${DEFAULT_DEMO_SEED}-${periodOfDate(new Date())}.sqlite`);

async function openNational(): Promise<{ core: AppCore; file: string }> {
  const now = new Date();
  const file = nationalFile();
  const fresh = !fs.existsSync(file);
  const open = () =>
    createAppCore({
      databasePath: file,
      backupDir: path.join(os.tmpdir(), 'qrr-bench-sauvegardes'),
      communesFile: COMMUNES_FILE,
      appVersion: 'bench',
      osUser: 'bench',
      origin: 'bench',
      startupBackup: false,
      log: { error: (m, d) => console.error(m, d) },
    });
  let core = await open();
  if (fresh) {
    console.log(`Génération de la base nationale de démonstration (une fois) : ${file}`);
    try {
      const { ms: took, value } = await time(() => generateDemo(core, { scale: 'national', now, onProgress: (m) => console.log(`  ${m}`) }));
      console.log(`  ${formatInteger(value.qrrs)} quartiers, ${formatInteger(value.indicatorValues)} valeurs en ${formatFixedFr(took / 1000, 1)} s`);
    } catch (error) {
      core.close();
      fs.rmSync(file, { force: true });
      throw error;
    }
    core.close();
    core = await open();
  }
  return { core, file };
}

async function benchGrids(): Promise<void> {
  const { core, file } = await openNational();
  try {
    const referential = await unwrap<{ engagements: Engagement[] }>(core.dispatch('getReferential', undefined) as never);
    const qrrs = await unwrap<Qrr[]>(core.dispatch('listQrrs', { includeArchived: false }) as never);
    const period = periodOfDate(new Date());
    console.log(`\n== Grilles, base nationale (${formatInteger(qrrs.length)} quartiers, ${(fs.statSync(file).size / 1e6).toFixed(0)} Mo)`);

    const all = await time(() => unwrap<IndicatorValueRecord[]>(core.dispatch('listIndicatorValues', { periodCode: period }) as never));
    const one = await time(() => unwrap<IndicatorValueRecord[]>(core.dispatch('listIndicatorValues', { periodCode: period, qrrId: qrrs[0]!.id }) as never));
    const previous = previousPeriod(period)!;
    const prev = await unwrap<IndicatorValueRecord[]>(core.dispatch('listIndicatorValues', { periodCode: previous }) as never);
    const rows = await time(() => buildRows(referential.engagements, one.value, prev.filter((r) => r.qrrId === qrrs[0]!.id)));
    console.log(`Chargement d'un trimestre, tous les quartiers (${formatInteger(all.value.length)} valeurs) : ${ms(all.ms)}`);
    console.log(`Chargement d'un trimestre, un quartier (${formatInteger(one.value.length)} valeurs) : ${ms(one.ms)} ; lignes de la grille : ${ms(rows.ms)}`);

    // A 1,000-cell paste: 18 quartiers side by side × the first part of 56 indicators (= 1,008 cells, trimmed to 1,000).
    const shown = qrrs.slice(0, 18);
    const shownRecords = all.value.filter((r) => shown.some((q) => q.id === r.qrrId));
    const gridRows = buildRows(referential.engagements, shownRecords, []);
    const indicators = referential.engagements.flatMap((e) => e.indicators);
    const writes = shown
      .flatMap((q) => indicators.map((i) => ({ rowId: i.code, colId: partColId(q.id, 0), text: i.parts[0]!.type === 'integer' ? '7' : i.parts[0]!.type === 'enum' ? 'En cours' : i.parts[0]!.type === 'boolean' ? 'oui' : '7' })))
      .slice(0, 1000);
    const planned = await time(() => planWrites(gridRows, writes));
    const changes = planned.value.changes.map((c) => ({ qrrId: c.qrrId, indicatorCode: c.indicatorCode, ...('value' in c ? { value: c.value } : {}) }));
    const batch = await time(() => core.dispatch('saveIndicatorValues', { periodCode: period, via: 'collage', changes }));
    if (!batch.value.ok) throw new Error(batch.value.error.message);
    // Baseline: the same cells written back one request per cell, as a grid without batching would.
    const undoChanges = planned.value.changes.map((c) => ({ qrrId: c.qrrId, indicatorCode: c.indicatorCode, value: c.before.value }));
    const perCell = await time(async () => {
      for (const change of undoChanges) {
        const r = await core.dispatch('saveIndicatorValues', { periodCode: period, via: 'annulation', changes: [change] });
        if (!r.ok) throw new Error(r.error.message);
      }
    });
    console.log(
      `Collage de ${formatInteger(writes.length)} cellules (${formatInteger(changes.length)} valeurs, ${formatInteger(planned.value.rejected.length)} refusées) : ` +
        `préparation ${ms(planned.ms)}, enregistrement en un lot ${ms(batch.ms)} ; ` +
        `référence une requête par cellule ${ms(perCell.ms)} (×${formatFixedFr(perCell.ms / batch.ms, 1)})`,
    );

    const byQrr = new Map<number, Map<string, IndicatorValueRecord['value']>>();
    for (const r of all.value) {
      if (!byQrr.has(r.qrrId)) byQrr.set(r.qrrId, new Map());
      byQrr.get(r.qrrId)!.set(r.indicatorCode, r.value);
    }
    const completeness = await time(() => qrrs.map((q) => indicatorCompleteness(referential.engagements, (code) => byQrr.get(q.id)?.get(code))));
    const filled = completeness.value.flat().reduce((n, c) => n + c.filled, 0);
    console.log(`Complétude de ${formatInteger(qrrs.length)} quartiers (${formatInteger(filled)} indicateurs renseignés) : ${ms(completeness.ms)}`);
  } finally {
    core.close();
  }
}

async function main(): Promise<void> {
  console.log('== Ligne de commande');
  benchCli();
  console.log('');
  await benchGrids();
  console.log('\n== Rapport trimestriel signé, un département');
  await benchReport(console.log, { nationalDatabase: nationalFile() });
  console.log("\n== Fichier d'échange, un département");
  await benchExchange();
  console.log('\n== Synthèse nationale, 100 départements');
  await benchConsolidation();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
