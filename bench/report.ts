/**
 * Benchmark of the quarterly report: the time to build and sign the report of
 * a département (3 QRRs, 8 quarters of history, the demonstration dataset),
 * step by step, in process.
 *
 * Baseline: LibreOffice printing an equivalent workbook to PDF (when
 * installed: apt-get install libreoffice-calc-nogui). Not measured here (yet):
 * the national-scale report.
 *
 * Plain Node, never imports electron. The signing certificate is a throwaway
 * self-made chain (RSA 3072), generated before timing starts.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import path from 'node:path';
import { benchFolder, COMMUNES_FILE } from './support';
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
import { formatFixedFr } from '../shared/format/number-fr';
import { buildReportModel } from '../shared/report/report-model';

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
 * What a coordinator does today: the same figures in a workbook (one sheet per
 * QRR: indicators with previous quarter, change and target; actions' statuses),
 * printed to PDF by LibreOffice. The workbook is written before timing; only
 * the conversion is timed, with a fresh LibreOffice profile. Null when
 * LibreOffice is not installed.
 */
async function libreOfficeBaseline(model: ReturnType<typeof buildReportModel>, dir: string): Promise<number | null> {
  const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => fs.existsSync(p));
  if (!soffice) return null;
  const workbook = new ExcelJS.Workbook();
  for (const qrr of model.qrrs) {
    const sheet = workbook.addWorksheet(qrr.name.slice(0, 31).replace(/[\\/?*[\]:]/g, ' '));
    sheet.columns = [
      { header: 'Code', width: 8 },
      { header: 'Indicateur / action', width: 60 },
      { header: 'Valeur', width: 30 },
      { header: 'Trimestre précédent', width: 30 },
      { header: 'Évolution', width: 16 },
      { header: 'Cible', width: 20 },
    ];
    for (const e of qrr.engagements) {
      sheet.addRow([e.code, e.title]).font = { bold: true };
      for (const i of e.indicators) sheet.addRow([i.code, i.label, i.valueText, i.previousText, i.change?.text ?? '', i.targetText]);
      for (const a of e.actions) sheet.addRow([a.code, a.label, a.statusLabel]);
    }
  }
  const file = path.join(dir, 'classeur.xlsx');
  await workbook.xlsx.writeFile(file);
  const t0 = performance.now();
  execFileSync(soffice, ['--headless', `-env:UserInstallation=file://${path.join(dir, 'lo-profil')}`, '--convert-to', 'pdf', '--outdir', dir, file], {
    stdio: 'ignore',
    timeout: 300_000,
  });
  const took = performance.now() - t0;
  if (!fs.existsSync(path.join(dir, 'classeur.pdf'))) return null;
  return took;
}

export async function benchReport(log: (line: string) => void = console.log): Promise<ReportBenchResult> {
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
    geography.communesOf('93'); // the communes file is read once per process: not part of a report
    const ctx = { db: core.db, now: () => now, osUser: 'bench', origin: 'bench' };

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

    const pages = (Buffer.from(signed).toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    const f = (n: number) => `${formatInteger(Math.round(n))} ms`;
    log(
      `Rapport trimestriel, département (${demo.qrrs} QRR, ${demo.periods} trimestres, ${formatInteger(demo.indicatorValues)} valeurs) : ` +
        `${pages} pages, ${formatInteger(Math.round(signed.length / 1024))} Ko`,
    );
    log(
      `  construire et signer : ${f(ms.total)} (lecture ${f(ms.load!)}, modèle ${f(ms.model!)}, PDF ${f(ms.render!)}, ` +
        `pièce jointe ${f(ms.attach!)}, signature ${f(ms.sign!)}) ; vérification ${f(ms.verify!)}`,
    );
    const baseline = await libreOfficeBaseline(model, dir);
    log(
      baseline === null
        ? '  référence LibreOffice (soffice --headless --convert-to pdf) : non mesurée (LibreOffice absent de ce poste).'
        : `  référence : LibreOffice imprime en PDF le classeur équivalent en ${f(baseline)} (sans signature) — ` +
            `rapport signé ×${formatFixedFr(baseline / ms.total, 1)} plus rapide`,
    );
    return { pages, bytes: signed.length, ms: ms as ReportBenchResult['ms'] };
  } finally {
    core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
