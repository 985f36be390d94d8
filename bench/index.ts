/**
 * `npm run bench`: figures, not assertions. Each measure is printed with a
 * baseline run in the same process, so the ratio is what matters, not the
 * machine.
 *
 * 0. Start-up of the command line (bench/cli.ts).
 * 1. The follow-up grids at 3, 62, 400 and 1,600 quartiers (bench/grids.ts):
 *    loading what the screen shows, a 1,000-cell paste against one request
 *    per cell, completeness; in the page (Chromium, the real UI): from the
 *    click on « Indicateurs » to the grid shown, from Enter to the typed cell
 *    saved and shown.
 * 2. The quarterly report of a département: build, attach and sign (bench/report.ts).
 * 3. A département's full exchange file: read, preview and apply into an empty
 *    database (bench/exchange.ts).
 * 4. The national summary of 100 départements' exchange files: read, consolidate,
 *    PDF (bench/consolidate.ts).
 */
import { benchReport } from './report';
import { benchConsolidation } from './consolidate';
import { benchExchange } from './exchange';
import { benchCli } from './cli';
import { benchGrids } from './grids';
import { gridDatabase } from './grid-databases';

async function main(): Promise<void> {
  console.log('== Ligne de commande');
  benchCli();
  console.log('');
  console.log('== Grilles de suivi, 3 / 62 / 400 / 1 600 quartiers (56 indicateurs × 8 trimestres)');
  await benchGrids();
  console.log('\n== Rapport trimestriel signé, un département');
  // The national report runs on the 1,600-quartier grid database (built in seconds, kept in the temp folder).
  await benchReport(console.log, { nationalDatabase: await gridDatabase(1600) });
  console.log("\n== Fichier d'échange, un département");
  await benchExchange();
  console.log('\n== Synthèse nationale, 100 départements');
  await benchConsolidation();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
