/**
 * The quarterly report end to end: a real database → model → PDF (jsPDF) →
 * JSON attached (pdf-lib) → PAdES signature (pkijs) with a test PKI made here
 * (root CA → intermediate CA → « Coordinatrice QRR — Préfecture de l'Hérault », tests/support/pki.ts),
 * checked by poppler (pdfsig, pdftotext, pdfdetach), qpdf and our own verifier.
 *
 * pdfsig and trust: pdfsig reports the signature (« Signature Validation »)
 * independently of the certificate (« Certificate Validation »): with an empty
 * NSS database it prints « Signature is Valid. » and « Certificate issuer isn't
 * Trusted. ». With an NSS database trusting the test root (made with certutil,
 * Debian package libnss3-tools) it prints « Certificate is Trusted. ». Both are
 * checked. `-nssdir` must name an initialised NSS database: a plain empty
 * directory gives « Unknown Validation Failure. » even for a good signature;
 * without certutil the tests fall back to pdfsig's default database and skip
 * the trust check. pdfsig always exits 0, so its output is parsed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { PDFDict, PDFDocument, PDFName, PDFArray, PDFRef } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGeography } from '../../electron/services/geography';
import { listActionStatuses, listAssessments, listIndicatorValues } from '../../electron/services/followup';
import { attachReportData, reportDataFileName } from '../../electron/services/report/attach';
import { loadReportData } from '../../electron/services/report/load-report-data';
import { loadReportFonts, renderReportPdf, UNSIGNED_MARK } from '../../electron/services/report/pdf';
import { SignatureError, signReportPdf, SIGNATURE_REASON } from '../../electron/services/report/sign';
import { verifyReportPdf } from '../../electron/services/report/verify';
import { NBSP, NNBSP } from '../../shared/format/number-fr';
import { buildReportModel, type ReportModel } from '../../shared/report/report-model';
import { openCore, tempDir } from '../support/db';
import { COMMUNES_FILE, REPO_ROOT } from '../support/paths';
import { runTool } from '../support/pdf-tools';
import { dn, issue, makeTestPki, p12Of, type Issued } from '../support/pki';

const NOW = new Date('2026-11-26T10:00:00.000Z');
const P = '2026-T3';
const PREV = '2026-T2';
const PASSWORD = 'Secret-QRR-2026!';
const SIGNER_CN = "Coordinatrice QRR — Préfecture de l'Hérault";
const FONTS = loadReportFonts(path.join(REPO_ROOT, 'seeds', 'fonts'));

type Core = Awaited<ReturnType<typeof openCore>>;

// ---------------------------------------------------------------------------
// Tools

// pdfsig always exits 0; qpdf exits 2 on errors, 3 on warnings: the caller reads the output.
const run = runTool;
const hasCertutil = (() => {
  try {
    execFileSync('certutil', ['-H'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== 'ENOENT';
  }
})();

/** Appends a valid incremental update that replaces the attached JSON (an attacker's edit). */
async function appendIncrementalUpdate(signed: Uint8Array, replacementJson: string): Promise<Uint8Array> {
  const text = Buffer.from(signed).toString('latin1');
  const prevXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  const trailer = text.slice(text.lastIndexOf('trailer'));
  const size = Number(/\/Size (\d+)/.exec(trailer)![1]);
  const root = /\/Root (\d+ \d+ R)/.exec(trailer)![1]!;
  const doc = await PDFDocument.load(signed, { updateMetadata: false });
  const names = doc.catalog.lookup(PDFName.of('Names'), PDFDict).lookup(PDFName.of('EmbeddedFiles'), PDFDict);
  const spec = names.lookup(PDFName.of('Names'), PDFArray).lookup(1, PDFDict);
  const efRef = spec.lookup(PDFName.of('EF'), PDFDict).get(PDFName.of('F')) as PDFRef;
  const body = Buffer.from(replacementJson, 'utf8');
  let out = Buffer.from(signed);
  const offset = out.length + 1;
  const object = Buffer.concat([
    Buffer.from(`\n${efRef.objectNumber} 0 obj\n<< /Type /EmbeddedFile /Subtype /application#2Fjson /Length ${body.length} >>\nstream\n`, 'latin1'),
    body,
    Buffer.from('\nendstream\nendobj\n', 'latin1'),
  ]);
  out = Buffer.concat([out, object]);
  const xrefOffset = out.length;
  const xref =
    `xref\n0 1\n0000000000 65535 f \n${efRef.objectNumber} 1\n${String(offset).padStart(10, '0')} 00000 n \n` +
    `trailer\n<< /Size ${size} /Root ${root} /Prev ${prevXref} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return new Uint8Array(Buffer.concat([out, Buffer.from(xref, 'latin1')]));
}

// ---------------------------------------------------------------------------

describe('quarterly report: model, PDF, attached data, PAdES signature, verification', () => {
  let core: Core;
  let dir: string;
  let model: ReportModel;
  let qrrIds: { mosson: number; devezes: number };
  let root: Issued;
  let intermediate: Issued;
  let signer: Issued;
  let p12: Uint8Array;
  let unsigned: Uint8Array;
  let signed: Uint8Array;
  let signedFile: string;
  let nssDir: string;
  let emptyNssDir: string;

  beforeAll(async () => {
    dir = tempDir('qrr-report-');
    core = await openCore(dir, { now: () => NOW });
    const call = async (channel: string, payload: unknown) => {
      const result = await core.dispatch(channel, payload);
      if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`);
      return (result as { ok: true; value: unknown }).value;
    };
    await call('saveSettings', { departementCode: '34', prefetName: 'Jean Dupont', coordinatorName: 'Camille Martin' });
    const mosson = (await call('createQrr', { name: 'QRR Mosson', communes: ['34172'], qpvCodes: ['QN03401M'], population: 25000 })) as { id: number };
    const devezes = (await call('createQrr', { name: 'QRR Devèzes', communes: ['34032'], population: 9000 })) as { id: number };
    qrrIds = { mosson: mosson.id, devezes: devezes.id };
    for (const code of [PREV, P]) await call('openPeriod', { code });

    await call('saveIndicatorValues', {
      periodCode: PREV,
      changes: [
        { qrrId: mosson.id, indicatorCode: '05-02', value: { count: 2, amountCents: 100000 } },
        { qrrId: mosson.id, indicatorCode: '01-01', value: { numerator: 10, denominator: 40 } },
        { qrrId: mosson.id, indicatorCode: '01-03', value: { count: 10 } },
        { qrrId: mosson.id, indicatorCode: '02-01', value: { state: 'non_engage' } },
      ],
    });
    await call('saveIndicatorValues', {
      periodCode: P,
      changes: [
        { qrrId: mosson.id, indicatorCode: '05-02', value: { count: 3, amountCents: 123456 }, source: 'Préfecture — BOP 216', comment: 'Crédits FIPD et politique de la ville' },
        { qrrId: mosson.id, indicatorCode: '01-01', value: { numerator: 12, denominator: 40 } },
        { qrrId: mosson.id, indicatorCode: '01-03', value: { count: 12 }, target: { count: 20 } },
        { qrrId: mosson.id, indicatorCode: '02-01', value: { state: 'en_cours' } },
        { qrrId: mosson.id, indicatorCode: '05-03', value: { total: 120, men: 50, women: null } },
        { qrrId: devezes.id, indicatorCode: '01-03', value: { count: 4 } },
      ],
    });
    await call('saveActionStatuses', {
      periodCode: P,
      changes: [
        { qrrId: mosson.id, actionCode: '01-01', status: 'realisee', referent: 'DSDEN de l’Hérault' },
        { qrrId: mosson.id, actionCode: '01-02', status: 'realisee' },
        { qrrId: mosson.id, actionCode: '01-03', status: 'en_cours', comment: 'Cité éducative labellisée en 2026' },
        { qrrId: mosson.id, actionCode: '01-04', status: 'non_engagee' },
        { qrrId: mosson.id, actionCode: '01-05', status: 'sans_objet' },
        { qrrId: devezes.id, actionCode: '01-01', status: 'en_cours' },
      ],
    });
    await call('saveAssessment', {
      periodCode: P,
      qrrId: mosson.id,
      engagementCode: '01',
      meteo: 'soleil',
      trend: 'hausse',
      comment: 'Très bonne dynamique : dédoublement des classes achevé à l’école Paul-Émile-Victor.',
    });
    await call('saveAssessment', { periodCode: P, qrrId: devezes.id, engagementCode: '01', meteo: 'orage', trend: 'baisse' });

    const ctx = { db: core.db, now: () => NOW, osUser: 'test-user', origin: 'test' };
    model = buildReportModel(loadReportData(ctx, P, { geography: createGeography(COMMUNES_FILE) }));

    // PKI
    ({ root, intermediate, signer, p12 } = makeTestPki({ password: PASSWORD, signerCommonName: SIGNER_CN }));
    fs.writeFileSync(path.join(dir, 'racine.pem'), forge.pki.certificateToPem(root.cert));

    // Report: unsigned export, and the signed one (visible block, no « non signé » mark).
    unsigned = await attachReportData(renderReportPdf(model, { generatedAt: NOW.toISOString(), fonts: FONTS }), model, { generatedAt: NOW.toISOString() });
    fs.writeFileSync(path.join(dir, 'rapport-non-signe.pdf'), unsigned);
    const toSign = await attachReportData(
      renderReportPdf(model, {
        generatedAt: NOW.toISOString(),
        fonts: FONTS,
        signed: true,
        signatory: { name: 'Camille Martin', title: 'Coordinatrice QRR' },
        signatureBlock: { name: 'Camille Martin', title: 'Coordinatrice QRR, préfecture de l’Hérault', date: NOW.toISOString() },
      }),
      model,
      { generatedAt: NOW.toISOString() },
    );
    signed = await signReportPdf(toSign, { p12, password: PASSWORD, signingTime: NOW, location: 'Montpellier', visible: true });
    signedFile = path.join(dir, 'rapport-signe.pdf');
    fs.writeFileSync(signedFile, signed);

    // NSS databases for pdfsig: one empty, one trusting the test root.
    emptyNssDir = path.join(dir, 'nss-vide');
    nssDir = path.join(dir, 'nss');
    fs.mkdirSync(emptyNssDir);
    fs.mkdirSync(nssDir);
    if (hasCertutil) {
      execFileSync('certutil', ['-N', '-d', `sql:${emptyNssDir}`, '--empty-password']);
      execFileSync('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password']);
      execFileSync('certutil', ['-A', '-d', `sql:${nssDir}`, '-n', 'Racine QRR test', '-t', 'CT,C,C', '-a', '-i', path.join(dir, 'racine.pem')]);
    }
  }, 120_000);

  afterAll(() => {
    core?.close();
    // QRR_KEEP_REPORT=1 keeps the generated PDFs for a look.
    if (dir && !process.env.QRR_KEEP_REPORT) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** pdfsig needs an initialised NSS database: an empty directory gives « Unknown Validation Failure. ». Without certutil, its default database. */
  const pdfsig = (file: string, nss: string = emptyNssDir): string => run('pdfsig', [...(hasCertutil ? ['-nssdir', nss] : []), file]);

  it('computes completeness, implementation rate, changes and what is missing', () => {
    expect(model.departement).toEqual({ code: '34', nom: 'Hérault', prefecture: "Préfecture de l'Hérault", prefetTitle: "Préfet de l'Hérault" });
    expect(model.period).toMatchObject({ code: P, label: '3e trimestre 2026', state: 'open' });
    expect(model.previousPeriod).toEqual({ code: PREV, label: '2e trimestre 2026', available: true });
    expect(model.qrrs.map((q) => q.name)).toEqual(['QRR Devèzes', 'QRR Mosson']);

    const mosson = model.qrrs.find((q) => q.id === qrrIds.mosson)!;
    const e01 = mosson.engagements.find((e) => e.code === '01')!;
    // 01-01 and 01-03 complete out of 7 indicators.
    expect(e01.completeness).toMatchObject({ count: 2, total: 7, missing: ['01-02', '01-04', '01-05', '01-06', '01-07'] });
    // 2 réalisées / (6 actions − 1 sans objet)
    expect(e01.implementation).toMatchObject({ count: 2, total: 5, percent: 40 });
    expect(e01.implementation.byStatus).toEqual({ realisee: 2, en_cours: 1, non_engagee: 1, sans_objet: 1, non_renseigne: 1 });
    expect(e01.assessment).toMatchObject({ meteo: 'soleil', meteoLabel: 'Soleil', trend: 'hausse', trendLabel: 'En hausse', commentAuthor: 'Camille Martin' });

    const row = (code: string) => mosson.engagements.flatMap((e) => e.indicators).find((i) => i.code === code)!;
    expect(row('05-02')).toMatchObject({
      value: { count: 3, amountCents: 123456 },
      valueText: `3 associations, 1${NNBSP}234,56${NBSP}€`,
      previousText: `2 associations, 1${NNBSP}000,00${NBSP}€`,
      change: { direction: 'hausse', text: `+234,56${NBSP}€` },
      source: 'Préfecture — BOP 216',
    });
    expect(row('01-01').change).toMatchObject({ direction: 'hausse', text: '+5,0 points' });
    expect(row('01-03')).toMatchObject({ change: { text: '+2' }, targetText: '20' });
    expect(row('02-01').change).toMatchObject({ direction: 'modifie', text: 'Non engagé → En cours' });
    expect(row('05-03')).toMatchObject({ complete: false, partial: true, change: null });
    expect(row('01-02')).toMatchObject({ value: null, valueText: '—', change: null });

    // Missing before transmission: 56 − 4 complete for Mosson, 56 − 1 for Devèzes.
    expect(model.missing.indicators).toHaveLength(56 - 4 + 56 - 1);
    expect(model.missing.indicators.filter((i) => i.partial).map((i) => i.indicatorCode)).toEqual(['05-03']);
    expect(model.missing.assessments).toHaveLength(9 + 9);
    expect(model.missing.ready).toBe(false);
    expect(model.missing.summary[0]).toBe(`107 indicateurs à compléter (dont 1 valeur partielle).`);
    expect(model.fipd).toMatchObject({ empty: true, emptyText: 'Aucun crédit FIPD enregistré pour cette période.' });
  });

  it('renders the same bytes for the same model and options, and other bytes for another date', async () => {
    const options = { generatedAt: NOW.toISOString(), fonts: FONTS };
    const a = renderReportPdf(model, options);
    const b = renderReportPdf(model, options);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const attachedA = await attachReportData(a, model, { generatedAt: options.generatedAt });
    expect(Buffer.from(attachedA).equals(Buffer.from(unsigned))).toBe(true);
    const other = renderReportPdf(model, { ...options, generatedAt: '2026-11-27T10:00:00.000Z' });
    expect(Buffer.from(other).equals(Buffer.from(a))).toBe(false);
    // RSA PKCS#1 v1.5 is deterministic too: same bytes, same certificate, same time → same signed file.
    const once = await signReportPdf(unsigned, { p12, password: PASSWORD, signingTime: NOW });
    const twice = await signReportPdf(unsigned, { p12, password: PASSWORD, signingTime: NOW });
    expect(Buffer.from(once).equals(Buffer.from(twice))).toBe(true);
  }, 60_000);

  it('prints accented French labels and amounts as Intl formats them (pdftotext)', () => {
    const text = run('pdftotext', ['-layout', signedFile, '-']);
    expect(text).toContain("Préfecture de l'Hérault");
    expect(text).toContain('Assurer la réussite scolaire et éducative');
    expect(text).toContain('3e trimestre 2026');
    expect(text).toContain('QRR Devèzes');
    expect(text).toContain('« Très bonne dynamique : dédoublement des classes achevé à l’école Paul-Émile-Victor. »');
    expect(text).toContain('Aucun crédit FIPD enregistré pour cette période.');
    // poppler turns every Unicode space (U+00A0, U+202F included) into a word break written as ' ':
    // the amount comes out as `1 234,56 €` in pdftotext whatever the PDF holds.
    expect(text.replace(/[ \u00a0\u202f]+/g, ' ')).toContain('3 associations, 1 234,56 €');
    expect(text).toMatch(/page 1 \/ \d+/);
  });

  it('embeds a font whose glyphs map back to U+202F and U+00A0, drawn narrow and wide as Intl meant', () => {
    // The ToUnicode maps of the embedded font (streams decompressed by qpdf).
    const qdf = path.join(dir, 'qdf.pdf');
    run('qpdf', ['--qdf', '--object-streams=disable', signedFile, qdf]);
    const raw = fs.readFileSync(qdf, 'latin1');
    expect(raw).toMatch(/<[0-9a-f]{4}><202f>/i);
    expect(raw).toMatch(/<[0-9a-f]{4}><00a0>/i);
    expect(raw).toMatch(/<[0-9a-f]{4}><20ac>/i);
    expect(run('pdffonts', [signedFile])).toMatch(/DejaVuSans\s+CID TrueType\s+Identity-H\s+yes\s+\S+\s+yes/);
    // Geometry: in « 1 234,56 € » the thin space (U+202F) is narrower than the no-break space (U+00A0) before €.
    const bbox = run('pdftotext', ['-bbox', signedFile, '-']);
    const words = [...bbox.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
      x0: Number(m[1]),
      y0: Number(m[2]),
      x1: Number(m[3]),
      text: m[5]!,
    }));
    const i = words.findIndex((w, k) => w.text === '1' && words[k + 1]?.text === '234,56' && words[k + 2]?.text === '€');
    expect(i).toBeGreaterThanOrEqual(0);
    const [one, rest, euro] = [words[i]!, words[i + 1]!, words[i + 2]!];
    const thin = rest.x0 - one.x1;
    const wide = euro.x0 - rest.x1;
    expect(thin).toBeGreaterThan(0);
    expect(thin / wide).toBeCloseTo(409 / 651, 1); // DejaVu Sans advance widths of U+202F and U+00A0
  });

  it('carries the period data as a JSON attachment (pdfdetach), equal to the database', () => {
    const out = path.join(dir, 'detach');
    fs.mkdirSync(out);
    expect(run('pdfdetach', ['-list', signedFile])).toContain(`1: ${reportDataFileName(model)}`);
    run('pdfdetach', ['-saveall', '-o', out, signedFile]);
    expect(fs.readdirSync(out)).toEqual(['rapport-qrr-34-2026-T3.json']);
    const envelope = JSON.parse(fs.readFileSync(path.join(out, 'rapport-qrr-34-2026-T3.json'), 'utf8'));
    expect(envelope).toMatchObject({ format: 'qrr-rapport', version: 1, departement: '34', period: P, generatedAt: NOW.toISOString() });
    expect(envelope.data).toEqual(JSON.parse(JSON.stringify(model)));

    // Every value, status and assessment of the period in the database is in the attachment, as stored.
    const ctx = { db: core.db, now: () => NOW, osUser: 'test-user', origin: 'test' };
    type Data = ReportModel;
    const data = envelope.data as Data;
    const cell = (qrrId: number) => data.qrrs.find((q) => q.id === qrrId)!.engagements;
    for (const v of listIndicatorValues(ctx, P)) {
      const row = cell(v.qrrId).flatMap((e) => e.indicators).find((i) => i.code === v.indicatorCode)!;
      expect({ value: row.value, target: row.target, comment: row.comment, source: row.source }).toEqual({
        value: v.value,
        target: v.target,
        comment: v.comment,
        source: v.source,
      });
    }
    for (const s of listActionStatuses(ctx, P)) {
      const row = cell(s.qrrId).flatMap((e) => e.actions).find((a) => a.code === s.actionCode)!;
      expect({ status: row.status, comment: row.comment, referent: row.referent }).toEqual({ status: s.status, comment: s.comment, referent: s.referent });
    }
    for (const a of listAssessments(ctx, P)) {
      const e = cell(a.qrrId).find((x) => x.code === a.engagementCode)!.assessment;
      expect(e).toMatchObject({ meteo: a.meteo, trend: a.trend, comment: a.comment, commentAuthor: a.commentAuthor, commentDate: a.commentDate });
    }
    expect(cell(qrrIds.mosson).flatMap((e) => e.indicators).find((i) => i.code === '05-02')!.value).toEqual({ count: 3, amountCents: 123456 });
  });

  it('is structurally sound (qpdf --check)', () => {
    for (const file of [signedFile, path.join(dir, 'rapport-non-signe.pdf')]) {
      expect(run('qpdf', ['--check', file])).toContain('No syntax or stream encoding errors found');
    }
  });

  it('marks every page of the unsigned export « Document non signé », and none of the signed report', () => {
    const pages = Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [path.join(dir, 'rapport-non-signe.pdf')]))![1]);
    expect(pages).toBeGreaterThan(10);
    const text = run('pdftotext', [path.join(dir, 'rapport-non-signe.pdf'), '-']);
    expect(text.split(UNSIGNED_MARK).length - 1).toBe(pages);
    expect(run('pdftotext', [signedFile, '-'])).not.toContain(UNSIGNED_MARK);
    // The visible block on the last page of the signed report.
    const last = /Pages:\s+(\d+)/.exec(run('pdfinfo', [signedFile]))![1]!;
    expect(run('pdftotext', ['-f', last, '-l', last, signedFile, '-'])).toMatch(/Signature électronique[\s\S]*Signé par : Camille Martin/);
  });

  it('is a valid PAdES signature over the whole file for pdfsig, with the accented signer name', () => {
    const out = pdfsig(signedFile);
    expect(out).toContain(`Signer Certificate Common Name: ${SIGNER_CN}`);
    expect(out).toContain('Signature Type: ETSI.CAdES.detached');
    expect(out).toContain('Signing Hash Algorithm: SHA-256');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Signature is Valid.');
    // Without the root in its database pdfsig still validates the signature, not the certificate.
    if (hasCertutil) expect(out).toMatch(/Certificate issuer isn't Trusted\.|Certificate has Expired|Unknown issue with Certificate/);
  });

  it.skipIf(!hasCertutil)('chains to the test root for pdfsig when the NSS database trusts it', () => {
    const out = pdfsig(signedFile, nssDir);
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Certificate is Trusted.');
  });

  it('verifies in Node: signer, time, whole file, intact, trusted chain, trusted data', async () => {
    const rootPem = fs.readFileSync(path.join(dir, 'racine.pem'), 'utf8');
    const v = await verifyReportPdf(signed, { trustedRoots: [rootPem] });
    expect(v).toMatchObject({
      signed: true,
      signingTime: NOW.toISOString(),
      subFilter: 'ETSI.CAdES.detached',
      reason: SIGNATURE_REASON,
      location: 'Montpellier',
      coversWholeFile: true,
      intact: true,
      trusted: true,
      untrustedAttachment: null,
      attachmentName: 'rapport-qrr-34-2026-T3.json',
      problems: [],
    });
    expect(v.signer).toMatchObject({ commonName: SIGNER_CN, organization: "Préfecture de l'Hérault" });
    expect(v.chain).toEqual([
      `CN=${SIGNER_CN}, O=Préfecture de l'Hérault, C=FR`,
      'CN=AC intermédiaire des préfectures (test), O=Ministère de l’Intérieur (test), C=FR',
      'CN=Autorité racine de test QRR, O=Ministère de l’Intérieur (test), C=FR',
    ]);
    expect(v.attachment?.data).toEqual(JSON.parse(JSON.stringify(model)));

    // No trusted root given, or another one: intact but not trusted.
    const untrusted = await verifyReportPdf(signed);
    expect(untrusted).toMatchObject({ intact: true, coversWholeFile: true, trusted: false });
    expect(untrusted.problems.join(' ')).toMatch(/Aucune autorité de confiance/);
    const other = issue({ subject: dn('Autre racine', 'Ailleurs'), ca: true, serial: '09' });
    const wrongRoot = await verifyReportPdf(signed, { trustedRoots: [forge.pki.certificateToPem(other.cert)] });
    expect(wrongRoot.trusted).toBe(false);
    expect(wrongRoot.problems.join(' ')).toMatch(/ne remonte pas à une autorité de confiance/);

    // The unsigned export: data readable, but only as untrusted.
    const plain = await verifyReportPdf(unsigned);
    expect(plain).toMatchObject({ signed: false, intact: false, attachment: null });
    expect(plain.untrustedAttachment?.period).toBe(P);
    expect(plain.problems).toContain('Le document n’est pas signé.');
  });

  it('detects a byte changed inside the signed range (pdfsig « Digest Mismatch. », intact false)', async () => {
    const tampered = Buffer.from(signed);
    const text = tampered.toString('latin1');
    const b = Number(/\/ByteRange \[0 (\d+) \d+ \d+\]/.exec(text)![1]);
    const at = text.indexOf('stream', Math.floor(b / 3)) + 40; // inside a content stream, in the first signed range
    expect(at).toBeGreaterThan(40);
    expect(at).toBeLessThan(b);
    tampered[at] = tampered[at]! ^ 0x01;
    const file = path.join(dir, 'rapport-modifie.pdf');
    fs.writeFileSync(file, tampered);
    expect(pdfsig(file)).toContain('Digest Mismatch.');
    const v = await verifyReportPdf(new Uint8Array(tampered), { trustedRoots: [fs.readFileSync(path.join(dir, 'racine.pem'), 'utf8')] });
    expect(v).toMatchObject({ signed: true, intact: false, attachment: null });
    expect(v.problems.join(' ')).toMatch(/modifié après sa signature/);
  });

  it('reports content appended after the signature as not covered, and does not trust its data', async () => {
    const forged = JSON.stringify({ format: 'qrr-rapport', version: 1, departement: '34', period: P, generatedAt: NOW.toISOString(), data: { faux: true } });
    const updated = await appendIncrementalUpdate(signed, forged);
    const file = path.join(dir, 'rapport-complete.pdf');
    fs.writeFileSync(file, updated);
    expect(run('qpdf', ['--check', file])).toContain('No syntax or stream encoding errors found');
    const out = pdfsig(file);
    expect(out).toContain('Signature is Valid.');
    expect(out).not.toContain('Total document signed');
    expect(out).toContain('Not total document signed');
    const v = await verifyReportPdf(updated, { trustedRoots: [fs.readFileSync(path.join(dir, 'racine.pem'), 'utf8')] });
    expect(v).toMatchObject({ signed: true, intact: true, coversWholeFile: false, attachment: null });
    expect(v.untrustedAttachment?.data).toEqual({ faux: true });
    expect(v.problems.join(' ')).toMatch(/ajouté au fichier après la signature/);
    expect(v.problems.join(' ')).toMatch(/ne sont pas protégées par la signature/);
  });

  it('refuses in French: wrong password, no private key, expired certificate', async () => {
    const attempt = async (p12File: Uint8Array, password: string) => {
      try {
        await signReportPdf(unsigned, { p12: p12File, password, signingTime: NOW });
      } catch (error) {
        return error;
      }
      throw new Error('signature accepted');
    };
    const wrong = await attempt(p12, 'pas le bon');
    expect(wrong).toBeInstanceOf(SignatureError);
    expect(wrong).toMatchObject({ reason: 'BAD_PASSWORD', code: 'VALIDATION' });
    expect((wrong as Error).message).toMatch(/^Mot de passe du certificat incorrect/);

    const noKey = await attempt(p12Of(null, [signer.cert, intermediate.cert], PASSWORD), PASSWORD);
    expect(noKey).toMatchObject({ reason: 'NO_PRIVATE_KEY' });
    expect((noKey as Error).message).toMatch(/ne contient pas de clé privée/);

    const old = issue({
      subject: dn('Ancien certificat — Préfecture de l’Hérault', "Préfecture de l'Hérault"),
      issuer: intermediate,
      ca: false,
      serial: '04',
      notAfter: new Date('2025-12-31T12:00:00Z'),
    });
    const expired = await attempt(p12Of(old.key, [old.cert, intermediate.cert, root.cert], PASSWORD), PASSWORD);
    expect(expired).toMatchObject({ reason: 'EXPIRED' });
    expect((expired as Error).message).toBe(
      'Le certificat de « Ancien certificat — Préfecture de l’Hérault » a expiré le 31/12/2025 : il ne peut plus signer. Demandez un nouveau certificat.',
    );

    const garbage = await attempt(new Uint8Array([1, 2, 3, 4]), PASSWORD);
    expect(garbage).toMatchObject({ reason: 'UNREADABLE' });

    await expect(signReportPdf(signed, { p12, password: PASSWORD, signingTime: NOW })).rejects.toMatchObject({ reason: 'ALREADY_SIGNED' });
  }, 60_000);
});
