/**
 * Benchmark of the quarterly report: the time to build and sign the report of
 * a département (3 QRRs, 8 quarters of history, the demonstration dataset),
 * step by step, in process.
 *
 * Then the whole command line (`report`, signed, a fresh process each run),
 * and the baseline: LibreOffice printing an equivalent workbook to PDF (when
 * installed: apt-get install libreoffice-calc-nogui). At national scale (when
 * the grids' national database exists): the same command, its peak memory
 * (bench/national-report.ts).
 *
 * Plain Node, never imports electron. The signing certificate is a throwaway
 * self-made chain (RSA 3072), generated before timing starts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import path from 'node:path';
import { benchFolder, COMMUNES_FILE } from './support';
import { benchNationalReport } from './national-report';
import forge from 'node-forge';
import { generateDemo } from '../electron/services/demo';
import { createGeography } from '../electron/services/geography';
import { attachReportData } from '../electron/services/report/attach';
import { loadReportData } from '../electron/services/report/load-report-data';
import { loadReportFonts, renderReportPdf } from '../electron/services/report/pdf';
import { signReportPdf } from '../electron/services/report/sign';
import { verifyReportPdf } from '../electron/services/report/verify';
import { periodOfDate } from '../shared/domain/period';
import { formatInteger } from '../shared/format/fr';
import { formatEurosFromCents, formatFixedFr } from '../shared/format/number-fr';
import { buildReportModel, formatRatioPercent } from '../shared/report/report-model';

export interface ReportBenchResult {
  readonly pages: number;
  readonly bytes: number;
  /** Milliseconds per step, and `total` = load + model + render + attach + sign. */
  readonly ms: Readonly<Record<'load' | 'model' | 'render' | 'attach' | 'sign' | 'total' | 'verify', number>>;
}

const PASSWORD = 'banc-essai';

/** A root → signer chain with an accented subject, as a .p12. */
function benchP12(): Uint8Array {
  const make = (cn: string, issuer: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | null, ca: boolean) => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    cert.serialNumber = ca ? '01' : '02';
    cert.validity.notBefore = new Date('2020-01-01T00:00:00Z');
    cert.validity.notAfter = new Date('2040-01-01T00:00:00Z');
    const subject = [
      { shortName: 'C', value: 'FR' },
      { shortName: 'CN', value: cn, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class },
    ];
    cert.setSubject(subject);
    cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
    cert.setExtensions([
      { name: 'basicConstraints', cA: ca },
      ca ? { name: 'keyUsage', keyCertSign: true, cRLSign: true } : { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
    ]);
    cert.sign(issuer?.key ?? key, forge.md.sha256.create());
    return { cert, key };
  };
  const root = make('Racine du banc d’essai', null, true);
  const signer = make("Banc d'essai — Préfecture de l'Hérault", root, false);
  const asn1 = forge.pkcs12.toPkcs12Asn1(signer.key, [signer.cert, root.cert], PASSWORD, { algorithm: '3des' });
  return new Uint8Array(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
}

/**
 * What a coordinator does today: the report's content in a workbook, printed
 * to PDF by LibreOffice. Same content, sheet by sheet: cover (département,
 * period, QRRs, date, authority, the three key figures), synthesis (per QRR
 * and per engagement), one sheet per QRR (per engagement: météo, comment,
 * indicators with previous quarter, change and target, actions with status,
 * referent and comment), FIPD (envelopes and subsidies) and the points to
 * complete. Not in it: the charts, the table of contents and bookmarks, the
 * attachments and the signature (LibreOffice prints, it does not sign) — the
 * workbook is lighter than the report. Written before timing; the conversion
 * is timed warm (a first, untimed run builds LibreOffice's profile).
 * Null when LibreOffice is not installed.
 */
async function libreOfficeWorkbook(model: ReturnType<typeof buildReportModel>, dir: string): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheetName = (name: string) => name.slice(0, 31).replace(/[\\/?*[\]:]/g, ' ');
  const bold = (row: ExcelJS.Row) => {
    row.font = { bold: true };
  };
  const cover = workbook.addWorksheet('Couverture');
  cover.columns = [{ width: 40 }, { width: 80 }];
  bold(cover.addRow(['Tableau de bord des quartiers de reconquête républicaine']));
  cover.addRow(['Rapport trimestriel', model.period.label]);
  cover.addRow(['Département', `${model.departement.nom} (${model.departement.code})`]);
  cover.addRow(['Préfecture', model.departement.prefecture]);
  cover.addRow(['Quartiers suivis', model.qrrs.map((q) => q.name).join(', ')]);
  cover.addRow(['Autorité', `${model.people.prefetName}, ${model.departement.prefetTitle}`]);
  cover.addRow(['Signé par', model.signature.signer ?? '']);
  cover.addRow(['Complétude des indicateurs', formatRatioPercent(model.completeness)]);
  cover.addRow(['Taux de mise en œuvre', formatRatioPercent(model.implementation)]);
  cover.addRow(['Points à compléter', formatInteger(model.missing.count)]);

  const synthesis = workbook.addWorksheet('Synthèse');
  synthesis.columns = [{ width: 50 }, { width: 24 }, { width: 24 }, { width: 16 }, { width: 16 }, { width: 40 }];
  bold(synthesis.addRow(['Quartier', 'Complétude', 'Mise en œuvre']));
  for (const q of model.qrrs) synthesis.addRow([q.name, formatRatioPercent(q.completeness), formatRatioPercent(q.implementation)]);
  synthesis.addRow([]);
  bold(synthesis.addRow(['Engagement', 'Complétude', 'Mise en œuvre', 'Météo', 'Tendance', 'Synthèse']));
  for (const l of model.lines) {
    const e = model.engagements.find((x) => x.code === l.code)!;
    synthesis.addRow([`${l.code} — ${l.title}`, formatRatioPercent(e.completeness), formatRatioPercent(e.implementation), l.meteoMeaning, '', '']);
  }

  for (const qrr of model.qrrs) {
    const sheet = workbook.addWorksheet(sheetName(qrr.name));
    sheet.columns = [{ width: 8 }, { width: 60 }, { width: 30 }, { width: 30 }, { width: 16 }, { width: 24 }];
    for (const e of qrr.engagements) {
      bold(sheet.addRow([e.code, e.title]));
      sheet.addRow(['', `Météo : ${e.assessment.meteoLabel}${e.assessment.trendLabel ? ` — tendance : ${e.assessment.trendLabel}` : ''}`]);
      if (e.assessment.comment) sheet.addRow(['', `« ${e.assessment.comment} »`]);
      bold(sheet.addRow(['Code', 'Indicateur', model.period.label, 'Trimestre précédent', 'Évolution', 'Cible']));
      for (const i of e.indicators) sheet.addRow([i.code, i.label, i.valueText, i.previousText, i.change?.text ?? '', i.goal ? i.goal.text : i.targetText]);
      bold(sheet.addRow(['Code', 'Action', 'Statut', 'Référent', 'Commentaire']));
      for (const a of e.actions) sheet.addRow([a.code, a.label, a.statusLabel, a.referent || '—', a.sansObjetReason ?? (a.comment || '—')]);
    }
  }

  const fipd = workbook.addWorksheet('Crédits FIPD');
  fipd.columns = [{ width: 30 }, { width: 30 }, { width: 40 }, { width: 18 }, { width: 18 }, { width: 18 }, { width: 18 }];
  bold(fipd.addRow(['Enveloppe', 'Quartier', 'Délégué', 'Engagé', 'Payé', 'Reste à engager', 'Reste à payer']));
  const euros = (c: number) => formatEurosFromCents(c);
  for (const e of model.fipd.envelopes) {
    fipd.addRow([e.label, e.qrrName, euros(e.delegatedCents), euros(e.committedCents), euros(e.paidCents), euros(e.remainingToCommitCents), euros(e.remainingToPayCents)]);
  }
  bold(fipd.addRow(['Bénéficiaire', 'Quartier', 'Objet', 'Accordé', 'Payé']));
  for (const s of [...model.fipd.subsidies, ...model.fipd.otherSubsidies]) fipd.addRow([s.beneficiary, s.qrrName, s.object, euros(s.grantedCents), euros(s.paidCents)]);

  const missing = workbook.addWorksheet('Points à compléter');
  missing.columns = [{ width: 30 }, { width: 10 }, { width: 70 }, { width: 14 }];
  bold(missing.addRow(['Quartier', 'Code', 'Indicateur / engagement / action', 'État']));
  for (const i of model.missing.indicators) missing.addRow([i.qrrName, i.indicatorCode, i.label, i.partial ? 'Incomplet' : 'Vide']);
  for (const a of model.missing.assessments) missing.addRow([a.qrrName, a.engagementCode, a.title, 'Sans météo']);
  for (const a of model.missing.actions) missing.addRow([a.qrrName, a.actionCode, a.label, 'Sans statut']);

  const file = path.join(dir, 'classeur.xlsx');
  await workbook.xlsx.writeFile(file);
  return file;
}

const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => fs.existsSync(p)) ?? null;

/** Median of `runs` warm conversions of `file` to PDF, after one untimed run (LibreOffice builds its profile). */
function libreOfficeMs(file: string, runs: number): { ms: number; pages: number } {
  const dir = path.dirname(file);
  const convert = () =>
    execFileSync(SOFFICE!, ['--headless', `-env:UserInstallation=file://${path.join(dir, 'lo-profil')}`, '--convert-to', 'pdf', '--outdir', dir, file], {
      stdio: 'ignore',
      timeout: 300_000,
    });
  convert();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    convert();
    times.push(performance.now() - t0);
  }
  const pdf = fs.readFileSync(path.join(dir, 'classeur.pdf')).toString('latin1');
  return { ms: median(times), pages: (pdf.match(/\/Type\s*\/Page[^s]/g) ?? []).length };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The whole `report` command, signed (bundled CLI, a fresh process each time): median of `runs`. */
function cliReportMs(databasePath: string, period: string, p12File: string, out: string, runs: number): number {
  const root = path.join(__dirname, '..');
  spawnSync(process.execPath, [path.join(root, 'scripts', 'cli.mjs'), '--help'], { cwd: root, stdio: 'ignore' }); // bundled if stale, untimed
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const result = spawnSync(
      process.execPath,
      [path.join(root, 'dist', 'cli', 'index.mjs'), 'report', '--db', databasePath, '--period', period, '--out', out, '--p12', p12File, '--password-env', 'QRR_BANC_MDP', '--without-timestamp'],
      { cwd: root, env: { ...process.env, QRR_BANC_MDP: PASSWORD }, encoding: 'utf8' },
    );
    times.push(performance.now() - t0);
    if (result.status !== 0) throw new Error(`bench: the report command failed: ${result.stderr}`);
  }
  return median(times);
}

export async function benchReport(log: (line: string) => void = console.log, options: { readonly nationalDatabase?: string } = {}): Promise<ReportBenchResult> {
  const now = new Date();
  const folder = benchFolder('qrr-bench-rapport-');
  const dir = folder.dir;
  const core = await folder.open('qrr.sqlite', () => now);
  try {
    const demo = await generateDemo(core, { scale: 'departement', now });
    const period = periodOfDate(now);
    const p12 = benchP12();
    const fonts = loadReportFonts();
    const geography = createGeography(COMMUNES_FILE);
    geography.communesOf('93'); // a département's communes are read once per process: not part of a report
    const ctx = { db: core.db, now: () => now, osUser: 'bench', origin: 'bench' };

    // One report, step by step. The first one in a process pays for compiling the code (cold); a
    // coordinator's session produces several, so the warm figure is the median of the next three.
    const buildOnce = async (): Promise<{ ms: Record<string, number>; model: Awaited<ReturnType<typeof buildReportModel>>; signed: Uint8Array }> => {
      const ms: Record<string, number> = {};
      const time = async <T>(step: string, f: () => T | Promise<T>): Promise<T> => {
        const t0 = performance.now();
        const value = await f();
        ms[step] = performance.now() - t0;
        return value;
      };
      const input = await time('load', () => loadReportData(ctx, period, { geography, signer: 'Banc d’essai' }));
      const model = await time('model', () => buildReportModel(input));
      const generatedAt = now.toISOString();
      const pdf = await time('render', () =>
        renderReportPdf(model, {
          generatedAt,
          fonts,
          signed: true,
          engagementContext: input.engagements,
          signatureBlock: { name: 'Banc d’essai', title: 'Coordinatrice QRR', date: generatedAt },
        }),
      );
      const attached = await time('attach', () => attachReportData(pdf, model, { generatedAt }));
      const signed = await time('sign', () => signReportPdf(attached, { p12, password: PASSWORD, signingTime: now, visible: true }));
      ms.total = ms.load! + ms.model! + ms.render! + ms.attach! + ms.sign!;
      const verdict = await time('verify', () => verifyReportPdf(signed));
      if (!verdict.intact || !verdict.coversWholeFile) throw new Error(`bench: the signed report does not verify: ${verdict.problems.join(' ')}`);
      return { ms, model, signed };
    };
    const cold = await buildOnce();
    const warmRuns = [await buildOnce(), await buildOnce(), await buildOnce()];
    const ms: Record<string, number> = Object.fromEntries(Object.keys(cold.ms).map((step) => [step, median(warmRuns.map((r) => r.ms[step]!))]));
    const { model, signed } = cold;
    const pages = (Buffer.from(signed).toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    const f = (n: number) => `${formatInteger(Math.round(n))} ms`;
    log(
      `Rapport trimestriel, département (${demo.qrrs} QRR, ${demo.periods} trimestres, ${formatInteger(demo.indicatorValues)} valeurs) : ` +
        `${pages} pages, ${formatInteger(Math.round(signed.length / 1024))} Ko`,
    );
    log(`  construire et signer, premier rapport du processus (à froid) : ${f(cold.ms.total!)}`);
    log(
      `  construire et signer, rapports suivants (médiane de 3) : ${f(ms.total!)} (lecture ${f(ms.load!)}, modèle ${f(ms.model!)}, PDF ${f(ms.render!)}, ` +
        `pièce jointe ${f(ms.attach!)}, signature ${f(ms.sign!)}) ; vérification ${f(ms.verify!)}`,
    );
    core.close();
    const p12File = path.join(dir, 'banc.p12');
    fs.writeFileSync(p12File, p12);
    const cli = cliReportMs(path.join(dir, 'qrr.sqlite'), period, p12File, path.join(dir, 'rapport-cli.pdf'), 3);
    log(`  commande complète (npm run cli -- report, signé, sans horodatage ; lancement, lecture, PDF, signature, vérification) : ${f(cli)}`);
    if (SOFFICE === null) {
      log('  référence LibreOffice (soffice --headless --convert-to pdf) : non mesurée, LibreOffice absent de ce poste (apt-get install libreoffice-calc-nogui).');
    } else {
      const lo = libreOfficeMs(await libreOfficeWorkbook(model, dir), 3);
      log(
        `  référence : LibreOffice imprime en PDF le classeur équivalent (couverture, synthèse, tableaux par quartier, FIPD, points à compléter ; ` +
          `sans graphiques, sommaire ni signature ; ${lo.pages} pages) en ${f(lo.ms)} — commande complète ×${formatFixedFr(lo.ms / cli, 1)} plus rapide, ` +
          `en processus ×${formatFixedFr(lo.ms / ms.total!, 1)}`,
      );
    }
    if (options.nationalDatabase && fs.existsSync(options.nationalDatabase)) benchNationalReport(options.nationalDatabase, period, p12File, PASSWORD, log);
    return { pages, bytes: signed.length, ms: ms as ReportBenchResult['ms'] };
  } finally {
    core.close(); // again when the measure failed before closing it (a no-op otherwise)
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
