/**
 * Signed reports cannot be fooled: a mutation suite of tamper variants, each
 * built here from a report freshly produced and signed by the application
 * (demonstration data, test PKI of tests/support/pki.ts), and each run through
 * poppler's `pdfsig`, MuPDF's `mutool sign -v` and the application's verifier:
 *   - the application never says « valid » where pdfsig does not;
 *   - it never says « non signé » for a file that carries a signature;
 *   - every tampered variant is « invalid », and its import through the real
 *     import path (IPC previewExchange / applyExchange on a real SQLite file,
 *     even with acceptUnverified) is refused as « modifié après signature »
 *     with nothing written: no row, no audit entry, no backup.
 * The critical attack — a forged copy of the attached exchange-file object
 * written inside the unsigned /Contents gap, which a lenient top-to-bottom
 * parser (pdf-lib) takes for the real one — is also checked through
 * `verify --trust` (exit 1).
 *
 * pdfsig and mutool always exit 0 on a signature problem: their output is parsed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import forge from 'node-forge';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedFiles, isExchangeFile } from '../../electron/services/report/embedded-files';
import { signReportPdf } from '../../electron/services/report/sign';
import { verifyReportPdf, type ReportVerification } from '../../electron/services/report/verify';
import { readExchangeBytes, SOURCE_MESSAGES } from '../../electron/services/exchange/sources';
import type { ChannelName, RequestOf, ResponseOf } from '../../shared/ipc/contract';
import { openCore, snapshot, tempDir } from '../support/db';
import { CLI_ENTRY, REPO_ROOT } from '../support/paths';
import {
  appendUpdate,
  fromLatin1,
  latin1,
  replaceSameLength,
  resign,
  spotOf,
  streamBody,
  withByteRangeText,
  withGap,
  type CmsSigner,
} from '../support/pdf-surgery';
import { certificatePem, makeTestPki, type TestPki } from '../support/pki';

type Core = Awaited<ReturnType<typeof openCore>>;
const fixedClock = () => new Date('2026-11-26T10:00:00Z');
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

async function send<C extends ChannelName>(core: Core, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await core.dispatch(channel, request);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as ResponseOf<C>;
}

const output = (cmd: string, args: string[]): string => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
};

/** pdfsig's verdict: every signature valid and the last one covering the whole document. */
function pdfsigValid(out: string): boolean {
  const validations = [...out.matchAll(/Signature Validation: (.*)/g)].map((m) => m[1]);
  return validations.length > 0 && validations.every((v) => v === 'Signature is Valid.') && /Total document signed/.test(out) && !/Not total document signed/.test(out);
}
/** mutool's verdict: every signature « unchanged since signing ». */
function mutoolUnchanged(out: string): boolean {
  const verified = (out.match(/Verifying signature/g) ?? []).length;
  return verified > 0 && (out.match(/The document is unchanged since signing\./g) ?? []).length === verified;
}

// ---------------------------------------------------------------------------

interface Fixture {
  signed: Uint8Array;
  /** The same report, signed by the same certificate an hour later: another CMS. */
  other: Uint8Array;
  pki: TestPki;
  signer: CmsSigner;
  exchangeNumber: number;
  exchangeSpecNumber: number;
  forgedExchange: string;
  dir: string;
}
let fx: Fixture;

/** The attached exchange file as pdf-lib's lenient top-to-bottom parse sees it (what the verifier used to do). */
async function lenientExchange(bytes: Uint8Array): Promise<string | null> {
  try {
    const doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: false });
    const file = embeddedFiles(doc.catalog).find(isExchangeFile);
    return file ? new TextDecoder().decode(file.bytes) : null;
  } catch {
    return null;
  }
}

/** The forged exchange-file stream object (same number as the genuine one), compressed like pdf-lib writes it. */
function forgedObject(number: number): string {
  const data = deflateSync(Buffer.from(fx.forgedExchange, 'utf8'));
  return `${number} 0 obj\n${latin1(streamBody('/Type /EmbeddedFile /Subtype /application#2Fvnd.qrr-echange+json /Filter /FlateDecode', data))}\nendobj\n`;
}

/**
 * The gap closed early, a forged object written inside, and the signature
 * dictionary reopened so that the rest of the file still parses: no signed byte changes.
 */
function gapInjection(payload: string): Uint8Array {
  const sigNumber = /(\d+) 0 obj\s*<<\s*\/Type \/Sig/.exec(latin1(fx.signed))![1];
  return withGap(fx.signed, (hex, spot) => {
    const cms = hex.slice(0, spot.cmsHexLength);
    const tail = `0>\n>>\nendobj\n${payload}${sigNumber} 0 obj\n<<\n/Padding <`;
    return cms + '0'.repeat(hex.length - cms.length - tail.length) + tail;
  });
}

/** An object of the signed part inserted a second time just before the cross-reference table, then the whole re-signed. */
function duplicateBeforeXref(bytes: Uint8Array, object: string, pointXrefToCopy: boolean): Uint8Array {
  const text = latin1(bytes);
  const xrefAt = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  let body = text.slice(0, xrefAt) + object + text.slice(xrefAt);
  body = body.replace(/startxref\s+\d+\s+%%EOF\s*$/, `startxref\n${xrefAt + object.length}\n%%EOF`);
  if (pointXrefToCopy) {
    const number = Number(/^(\d+)/.exec(object)![1]);
    const xref = body.slice(xrefAt + object.length);
    const entry = /(\d{10}) 00000 n /g;
    const first = Number(/xref\n(\d+) \d+\n/.exec(xref)![1]);
    let i = first;
    let at = -1;
    for (const m of xref.matchAll(entry)) if (i++ === number) at = xrefAt + object.length + m.index;
    body = body.slice(0, at) + String(xrefAt).padStart(10, '0') + body.slice(at + 10);
  }
  return resign(fromLatin1(body), fx.signer);
}

/** A second signature, by the same certificate, in an incremental update (a counter-signature). */
async function secondSignature(): Promise<Uint8Array> {
  const doc = await PDFDocument.load(fx.signed, { updateMetadata: false });
  const acroRef = doc.catalog.get(PDFName.of('AcroForm')) as PDFRef;
  const fields = doc.context.lookup(acroRef, PDFDict).lookup(PDFName.of('Fields'), PDFArray);
  const size = doc.context.largestObjectNumber + 1;
  const pageRef = doc.getPages().at(-1)!.ref;
  const sig = `<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /ETSI.CAdES.detached\n/ByteRange [0 0 0 0]${' '.repeat(40)}\n/Contents <${'0'.repeat(16384)}>\n/M (D:20261127100000Z)\n>>`;
  const widget = `<< /Type /Annot /Subtype /Widget /FT /Sig /Rect [0 0 0 0] /V ${size} 0 R /T (Contre-signature) /F 132 /P ${pageRef.toString()} >>`;
  const acro = `<< /Fields [ ${fields.asArray().map(String).join(' ')} ${size + 1} 0 R ] /SigFlags 3 >>`;
  return resign(appendUpdate(fx.signed, [[size, sig], [size + 1, widget], [acroRef.objectNumber, acro]]), fx.signer, 1);
}

/** Shadow « overlay »: an incremental update puts an annotation over the last page. */
async function overlay(): Promise<Uint8Array> {
  const doc = await PDFDocument.load(fx.signed, { updateMetadata: false });
  const page = doc.getPages().at(-1)!;
  const annot = doc.context.largestObjectNumber + 1;
  page.node.addAnnot(PDFRef.of(annot));
  const box = `<< /Type /Annot /Subtype /FreeText /Rect [40 40 560 800] /Contents (Valeurs corrig\\351es) /DA (/Helv 24 Tf 1 0 0 rg) /F 4 >>`;
  return appendUpdate(fx.signed, [[annot, box], [page.ref.objectNumber, page.node.toString()]]);
}

/** Shadow « hide and replace »: an incremental update points the exchange file's specification at a forged stream. */
async function hideAndReplace(): Promise<Uint8Array> {
  const doc = await PDFDocument.load(fx.signed, { updateMetadata: false });
  const spec = doc.context.lookup(PDFRef.of(fx.exchangeSpecNumber), PDFDict);
  const forged = doc.context.largestObjectNumber + 1;
  const copy = spec.clone();
  copy.set(PDFName.of('EF'), doc.context.obj({ F: PDFRef.of(forged) }));
  const stream = forgedObject(forged).replace(/^\d+ 0 obj\n/, '').replace(/\nendobj\n$/, '');
  return appendUpdate(fx.signed, [[forged, fromLatin1(stream)], [fx.exchangeSpecNumber, copy.toString()]]);
}

type Build = () => Uint8Array | Promise<Uint8Array>;
const range = () => spotOf(fx.signed).byteRange;

const VARIANTS: ReadonlyArray<readonly [string, Build]> = [
  // In the unsigned gap
  ['gap: forged exchange-file object (the critical attack)', () => gapInjection(forgedObject(fx.exchangeNumber))],
  ['gap: a new object', () => gapInjection('9999 0 obj\n(ajout)\nendobj\n')],
  [
    'gap: a whole incremental section',
    () => gapInjection(`${forgedObject(fx.exchangeNumber)}xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 9 >>\nstartxref\n0\n%%EOF\n`),
  ],
  ['gap: non-zero bytes after the CMS', () => withGap(fx.signed, (hex, s) => hex.slice(0, s.cmsHexLength) + 'deadbeef' + hex.slice(s.cmsHexLength + 8))],
  ['gap: one non-hex character in the padding', () => withGap(fx.signed, (hex) => `${hex.slice(0, -11)}g${hex.slice(-10)}`)],
  ['gap: white space inside the hex string', () => withGap(fx.signed, (hex) => `${hex.slice(0, -12)}\n${hex.slice(-11)}`)],
  ['gap: closed early, padding outside the string', () => withGap(fx.signed, (hex) => `${hex.slice(0, -12)}> <${hex.slice(-9)}`)],
  ['gap: odd number of hex digits', () => withGap(fx.signed, (hex) => `${hex.slice(0, -2)} 0`)],
  // ByteRange
  ['ByteRange: last length one byte short', () => withByteRangeText(fx.signed, `[0 ${range()[1]} ${range()[2]} ${range()[3] - 1}]`)],
  ['ByteRange: first range shrunk', () => withByteRangeText(fx.signed, `[0 ${range()[1] - 10} ${range()[2]} ${range()[3]}]`)],
  ['ByteRange: gap widened over signed bytes', () => withByteRangeText(fx.signed, `[0 ${range()[1] - 20} ${range()[2] + 20} ${range()[3] - 20}]`)],
  ['ByteRange: second range shrunk (tail unsigned)', () => withByteRangeText(fx.signed, `[0 ${range()[1]} ${range()[2]} ${range()[3] - 200}]`)],
  ['ByteRange: key renamed', () => replaceSameLength(fx.signed, '/ByteRange', '/ByteRangX')],
  ['ByteRange: key removed', () => replaceSameLength(fx.signed, `/ByteRange [0 ${range()[1]}`, ' '.repeat(`/ByteRange [0 ${range()[1]}`.length))],
  ['ByteRange: not numbers', () => withByteRangeText(fx.signed, `[0 abc ${range()[2]} ${range()[3]}]`)],
  ['ByteRange: beyond the end of the file', () => withByteRangeText(fx.signed, `[0 ${range()[1]} ${range()[2]} ${range()[3] + 1000}]`)],
  [
    'ByteRange: pointing at another hex string (the signer name)',
    () => {
      const text = latin1(fx.signed);
      const b = text.indexOf('/Name <', range()[2]) + 6;
      const c = text.indexOf('>', b) + 1;
      return withByteRangeText(fx.signed, `[0 ${b} ${c} ${text.length - c}]`);
    },
  ],
  ['ByteRange: starting after the first byte', () => withByteRangeText(fx.signed, `[1 ${range()[1] - 1} ${range()[2]} ${range()[3]}]`)],
  // CMS
  ['CMS: truncated', () => withGap(fx.signed, (hex, s) => hex.slice(0, Math.floor(s.cmsHexLength / 2)).padEnd(hex.length, '0'))],
  ['CMS: zeroed', () => withGap(fx.signed, (hex) => '0'.repeat(hex.length))],
  ['CMS: cut and pasted from another report', () => withGap(fx.signed, (hex) => withGapOf(fx.other).padEnd(hex.length, '0'))],
  ['CMS: one bit of the signature value flipped', () => withGap(fx.signed, (hex, s) => flipHex(hex, s.cmsHexLength - 4))],
  ['CMS: one bit of the signed attributes flipped', () => withGap(fx.signed, (hex) => flipHex(hex, hex.indexOf('2a864886f70d010904') + 30))],
  ['CMS: not a CMS (random DER)', () => withGap(fx.signed, (hex) => '3003020101'.padEnd(hex.length, '0'))],
  // After the signature
  [
    'appended: incremental update redefining the exchange file (xref pointing to a forged object)',
    () => appendUpdate(fx.signed, [[fx.exchangeNumber, forgedObject(fx.exchangeNumber).replace(/^\d+ 0 obj\n/, '').replace(/\nendobj\n$/, '')]]),
  ],
  ['appended: garbage after %%EOF', () => fromLatin1(`${latin1(fx.signed)}\n1 0 obj\n<< /Producer (modifié) >>\nendobj\n`)],
  ['appended: a single new line', () => fromLatin1(`${latin1(fx.signed)}\n`)],
  ['appended: a second signature (counter-signature)', secondSignature],
  ['shadow: overlay annotation in an incremental update', overlay],
  ['shadow: hide and replace the attachment in an incremental update', hideAndReplace],
  // Inside the signed part, re-signed by the signer's own key (collusion or tool bug)
  ['signed part: an object defined twice', () => duplicateBeforeXref(fx.signed, forgedObject(fx.exchangeNumber), false)],
  ['signed part: xref pointing to the second definition', () => duplicateBeforeXref(fx.signed, forgedObject(fx.exchangeNumber), true)],
  ['signed part: the signature dictionary’s /Type edited', () => replaceSameLength(fx.signed, '/Type /Sig', '/Type /Sag')],
];

function withGapOf(bytes: Uint8Array): string {
  const s = spotOf(bytes);
  return latin1(bytes).slice(s.b + 1, s.b + 1 + s.cmsHexLength);
}
function flipHex(hex: string, at: number): string {
  return hex.slice(0, at) + (parseInt(hex[at]!, 16) ^ 1).toString(16) + hex.slice(at + 1);
}

// ---------------------------------------------------------------------------

describe('signed reports cannot be fooled: tamper variants', () => {
  let a: Core;
  let colleague: Core;
  let before: { rows: ReturnType<typeof snapshot>; backups: string[]; databaseBytes: Buffer };
  const table: string[] = [];

  beforeAll(async () => {
    a = await openCore(undefined, { now: fixedClock });
    expect((await a.dispatch('installDemo', undefined)).ok).toBe(true);
    const pki = makeTestPki({ password: 'secret' });
    const draft = await send(a, 'generateReport', { periodCode: '2026-T4', transmit: false });
    // Another report of the same quarter (the unsigned export), signed by the same certificate an hour later: another CMS.
    const other = await signReportPdf(new Uint8Array(fs.readFileSync(draft.path)), {
      p12: pki.p12,
      password: 'secret',
      signingTime: new Date('2026-11-26T11:00:00Z'),
    });
    const signedReport = await send(a, 'generateReport', {
      periodCode: '2026-T4',
      transmit: true,
      confirmIncomplete: true,
      signature: { p12Base64: base64(pki.p12), password: 'secret', visible: false },
    });
    const signed = new Uint8Array(fs.readFileSync(signedReport.path));
    const doc = await PDFDocument.load(signed, { updateMetadata: false });
    const names = doc.catalog.lookup(PDFName.of('Names'), PDFDict).lookup(PDFName.of('EmbeddedFiles'), PDFDict).lookup(PDFName.of('Names'), PDFArray);
    let exchangeNumber = 0;
    let exchangeSpecNumber = 0;
    for (let i = 0; i < names.size(); i += 2) {
      const label = names.lookup(i);
      const name = label instanceof PDFHexString || label instanceof PDFString ? label.decodeText() : '';
      if (!/^qrr-.*\.qrr$/.test(name)) continue;
      exchangeSpecNumber = (names.get(i + 1) as PDFRef).objectNumber;
      exchangeNumber = (names.lookup(i + 1, PDFDict).lookup(PDFName.of('EF'), PDFDict).get(PDFName.of('F')) as PDFRef).objectNumber;
    }
    const genuine = (await verifyReportPdf(signed)).exchangeAttachment!.text;
    const forgedDoc = JSON.parse(genuine) as { sender: { name: string } };
    forgedDoc.sender.name = 'Faussaire';
    const dir = tempDir('qrr-tamper-');
    fx = {
      signed,
      other,
      pki,
      signer: {
        certPem: certificatePem(pki.signer),
        keyPem: forge.pki.privateKeyToPem(pki.signer.key),
        chainPem: certificatePem(pki.intermediate) + certificatePem(pki.root),
      },
      exchangeNumber,
      exchangeSpecNumber,
      forgedExchange: JSON.stringify(forgedDoc, null, 2),
      dir,
    };
    expect(exchangeNumber).toBeGreaterThan(0);

    colleague = await openCore(undefined, { now: fixedClock });
    expect((await colleague.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Bérénice B.' })).ok).toBe(true);
    expect((await colleague.dispatch('addTrustedRoot', { certificateBase64: base64(Buffer.from(pki.rootPem)) })).ok).toBe(true);
    colleague.db.pragma('wal_checkpoint(TRUNCATE)');
    const backupDir = path.join(colleague.dir, 'sauvegardes');
    before = {
      rows: snapshot(colleague.db),
      backups: fs.existsSync(backupDir) ? fs.readdirSync(backupDir).sort() : [],
      databaseBytes: fs.readFileSync(colleague.databasePath),
    };
  }, 180_000);

  afterAll(() => {
    a?.close();
    colleague?.close();
    if (table.length > 0) console.log(['variant | application | pdfsig valid | mutool unchanged', ...table].join('\n'));
  });

  const write = (name: string, bytes: Uint8Array): string => {
    const file = path.join(fx.dir, `${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.pdf`);
    fs.writeFileSync(file, bytes);
    return file;
  };

  it('the untouched report: valid for the application, pdfsig and mutool; its exchange file read through the signed revision', async () => {
    const file = write('original', fx.signed);
    expect(pdfsigValid(output('pdfsig', [file]))).toBe(true);
    expect(mutoolUnchanged(output('mutool', ['sign', '-v', file]))).toBe(true);
    const v = await verifyReportPdf(fx.signed, { trustedRoots: [fx.pki.rootPem] });
    expect(v).toMatchObject({ status: 'valid', signed: true, intact: true, coversWholeFile: true, trusted: true, signatureAlgorithm: 'RSA 2048 bits' });
    expect(JSON.parse(v.exchangeAttachment!.text).sender.name).not.toBe('Faussaire');
  });

  it(`has at least 30 tamper variants`, () => {
    expect(VARIANTS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(VARIANTS)('%s: invalid (never « non signé », never valid where pdfsig is not), import refused with nothing written', async (name, build) => {
    const bytes = await build();
    expect(Buffer.from(bytes).equals(Buffer.from(fx.signed))).toBe(false);
    const file = write(name, bytes);
    const sig = output('pdfsig', [file]);
    const mu = output('mutool', ['sign', '-v', file]);
    const v: ReportVerification = await verifyReportPdf(bytes, { trustedRoots: [fx.pki.rootPem] });
    table.push(`${name} | ${v.status} | ${pdfsigValid(sig)} | ${mutoolUnchanged(mu)}`);

    expect(v.status, v.problems.join('\n')).toBe('invalid');
    expect(v.signed).toBe(true);
    // Earlier callers test these booleans: they must not add up to « valid » either.
    expect(v.signed && v.intact && v.coversWholeFile).toBe(false);
    expect(v.attachment).toBeNull();
    expect(v.exchangeAttachment).toBeNull();
    expect(v.problems.length).toBeGreaterThan(0);
    if (v.status === 'valid') expect(pdfsigValid(sig) && mutoolUnchanged(mu)).toBe(true);

    await expect(readExchangeBytes('rapport.pdf', bytes, { trustedRoots: [fx.pki.rootPem] })).rejects.toThrow(SOURCE_MESSAGES.pdfModified);
    const request = { fileName: 'rapport.pdf', contentBase64: base64(bytes) };
    for (const result of [
      await colleague.dispatch('previewExchange', request),
      await colleague.dispatch('applyExchange', { ...request, defaultChoice: 'theirs', acceptUnverified: true }),
    ]) {
      expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: SOURCE_MESSAGES.pdfModified } });
    }
  }, 60_000);

  it('after every refused import the colleague’s database is untouched: same rows, no audit entry, no backup, same file bytes', () => {
    expect(snapshot(colleague.db)).toEqual(before.rows);
    const backupDir = path.join(colleague.dir, 'sauvegardes');
    expect(fs.existsSync(backupDir) ? fs.readdirSync(backupDir).sort() : []).toEqual(before.backups);
    colleague.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.readFileSync(colleague.databasePath).equals(before.databaseBytes)).toBe(true);
  });

  it('the critical attack: the forged object in the gap fools a lenient parser, not the verifier, nor verify --trust, nor the import', async () => {
    const bytes = gapInjection(forgedObject(fx.exchangeNumber));
    // No signed byte changed, and pdf-lib's top-to-bottom parse reads the forged exchange file.
    const s = spotOf(fx.signed);
    expect(Buffer.compare(bytes.subarray(0, s.b), fx.signed.subarray(0, s.b))).toBe(0);
    expect(Buffer.compare(bytes.subarray(s.c), fx.signed.subarray(s.c))).toBe(0);
    expect(await lenientExchange(bytes)).toBe(fx.forgedExchange);

    const v = await verifyReportPdf(bytes, { trustedRoots: [fx.pki.rootPem] });
    expect(v.status).toBe('invalid');
    expect(v.problems.join(' ')).toMatch(/zone de signature .* modifiée/);

    const file = write('attaque-critique', bytes);
    const root = path.join(fx.dir, 'racine.pem');
    fs.writeFileSync(root, fx.pki.rootPem);
    const run = spawnSync(process.execPath, [CLI_ENTRY, 'verify', file, '--trust', root, '--json'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: false, status: 'invalid', signed: true });
    const untrusting = await colleague.dispatch('applyExchange', { fileName: 'rapport.pdf', contentBase64: base64(bytes), defaultChoice: 'theirs', acceptUnverified: true });
    expect(untrusting).toMatchObject({ ok: false, error: { message: SOURCE_MESSAGES.pdfModified } });
  }, 120_000);

  it('pdfsig and mutool see the critical attack too (the application agrees with them)', () => {
    const file = write('attaque-critique-outils', gapInjection(forgedObject(fx.exchangeNumber)));
    const sig = output('pdfsig', [file]);
    expect(pdfsigValid(sig)).toBe(false);
    expect(execFileSync('pdfsig', [file], { encoding: 'utf8' })).toMatch(/Signature #1/);
  });
});
