/**
 * A national-size exchange file of one quarter, made in seconds: the
 * département demonstration's fullest quarter, its follow-up copied to 1,600
 * quartiers (the national demonstration's count; generating that database
 * through the services takes hours on this machine). Same rows per quartier,
 * same texts, same shape as `export` writes — so the same size within a few
 * per cent — sealed like an export.
 *
 *   npx tsx bench/national-file.ts FICHIER.qrr [NOMBRE_DE_QUARTIERS]
 *
 * Written as the application writes files (writeExchangeFile): the size
 * printed is what the export of such a quarter weighs.
 */
import fs from 'node:fs';
import { benchFolder } from './support';
import { generateDemo } from '../electron/services/demo';
import { exportExchange, writeExchangeFile } from '../electron/services/exchange/export';
import { qrrExchangeKey, sealExchangeDocument, type ExchangeDocument, type UnsignedExchangeDocument } from '../shared/exchange/format';

export async function makeNationalDocument(count = 1600): Promise<ExchangeDocument> {
  const folder = benchFolder('qrr-bench-national-file-');
  try {
    const core = await folder.open('demo.sqlite');
    const now = new Date();
    await generateDemo(core, { scale: 'departement', now });
    const full = exportExchange({ db: core.db, now: () => now, osUser: 'bench', origin: 'bench' });
    core.close();
    // The quarter with the most rows (a transmitted one: every value typed, 05-02 frozen).
    const rowsIn = (p: string): number => full.indicatorValues.filter((r) => r.periodCode === p).length;
    const period = [...full.scope.periods].sort((a, b) => rowsIn(b) - rowsIn(a))[0]!;
    const qrrs = Array.from({ length: count }, (_, i) => {
      const model = full.qrrs[i % full.qrrs.length]!;
      const name = `Quartier n° ${String(i + 1).padStart(4, '0')} (${model.name})`;
      return { model: model.key, qrr: { ...model, name, key: qrrExchangeKey(name, model.communes) } };
    });
    const copy = <T extends { qrrKey: string; periodCode: string }>(rows: readonly T[]): T[] =>
      qrrs.flatMap(({ model, qrr }) => rows.filter((r) => r.qrrKey === model && r.periodCode === period).map((r) => ({ ...r, qrrKey: qrr.key })));
    const { sha256: _sha, ...rest } = full;
    const unsigned: UnsignedExchangeDocument = {
      ...rest,
      scope: { periods: [period] },
      periods: full.periods.filter((p) => p.code === period),
      qrrs: qrrs.map((q) => q.qrr),
      indicatorValues: copy(full.indicatorValues),
      actionStatuses: copy(full.actionStatuses),
      assessments: copy(full.assessments),
      fipdEnvelopes: [],
      subsidies: [],
    };
    return sealExchangeDocument(unsigned);
  } finally {
    fs.rmSync(folder.dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [target, count = '1600'] = process.argv.slice(2);
  if (!target) throw new Error('Indiquez le fichier .qrr à écrire.');
  const document = await makeNationalDocument(Number(count));
  const file = writeExchangeFile(document, target);
  process.stdout.write(
    `${file} : ${document.qrrs.length} quartiers, trimestre ${document.scope.periods[0]}, ` +
      `${document.indicatorValues.length + document.actionStatuses.length + document.assessments.length} lignes, ` +
      `${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} Mo\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
