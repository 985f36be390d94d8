import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { jsPDF } from 'jspdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../electron/services/audit';
import type { ServiceContext } from '../../electron/services/context';
import { exportExchange } from '../../electron/services/exchange/export';
import { readExchangeBytes, SOURCE_MESSAGES } from '../../electron/services/exchange/sources';
import { UNVERIFIED_NOT_ACCEPTED } from '../../shared/exchange/source';
import type { ChannelName, RequestOf, ResponseOf } from '../../shared/ipc/contract';
import { openCore, snapshot, tempDir } from '../support/db';
import { makeTestPki, TEST_SIGNER_CN, type TestPki } from '../support/pki';

/*
 * A report PDF as an exchange source: the quarter's exchange file is attached
 * to every report, covered by the signature; the import checks the signature
 * before reading it. Real reports, produced by the application, checked with
 * poppler's pdfdetach too.
 */

type Core = Awaited<ReturnType<typeof openCore>>;

/** The channel's answer, or the test fails with the French message. */
async function send<C extends ChannelName>(core: Core, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await core.dispatch(channel, request);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as ResponseOf<C>;
}
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const fixedClock = () => new Date('2026-11-26T10:00:00Z');

describe('importing a report PDF', () => {
  let a: Core;
  let pki: TestPki;
  let signedPdf: Uint8Array;
  let unsignedPdf: Uint8Array;
  let signedPath: string;

  beforeAll(async () => {
    a = await openCore(undefined, { now: fixedClock });
    expect((await a.dispatch('installDemo', undefined)).ok).toBe(true);
    pki = makeTestPki({ password: 'secret' });
    const unsigned = await send(a, 'generateReport', { periodCode: '2026-T4', transmit: false });
    unsignedPdf = fs.readFileSync(unsigned.path);
    const signed = await send(a, 'generateReport', {
      periodCode: '2026-T4',
      transmit: true,
      confirmIncomplete: true,
      signature: { p12Base64: base64(pki.p12), password: 'secret', visible: false },
    });
    signedPath = signed.path;
    signedPdf = fs.readFileSync(signedPath);
  }, 120_000);
  afterAll(() => a?.close());

  /** A fresh database of the same département, with its file's bytes to compare after a refusal. */
  async function colleague(): Promise<Core> {
    const b = await openCore(undefined, { now: fixedClock });
    expect((await b.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Bérénice B.' })).ok).toBe(true);
    return b;
  }

  it('every report carries the quarter’s exchange file, as the database holds it once transmitted (pdfdetach)', () => {
    const listing = execFileSync('pdfdetach', ['-list', signedPath], { encoding: 'utf8' });
    expect(listing).toMatch(/rapport-qrr-93-2026-T4\.json/);
    expect(listing).toMatch(/qrr-93-2026-T4\.qrr/);
    const out = path.join(tempDir(), 'echange.qrr');
    const index = listing.split('\n').findIndex((l) => l.includes('qrr-93-2026-T4.qrr'));
    execFileSync('pdfdetach', ['-save', String(index), '-o', out, signedPath]);
    const attached = JSON.parse(fs.readFileSync(out, 'utf8')) as ReturnType<typeof exportExchange>;
    const ctx: ServiceContext = { db: a.db, now: fixedClock, osUser: 'test', origin: 'test' };
    const now = exportExchange(ctx, { periods: ['2026-T4'] });
    // The quarter was transmitted with the report: the attachment already said so, and it holds the same data.
    expect(attached.periods).toEqual([{ code: '2026-T4', state: 'transmitted' }]);
    expect(attached.indicatorValues).toEqual(now.indicatorValues);
    expect(attached.actionStatuses).toEqual(now.actionStatuses);
    expect(attached.assessments).toEqual(now.assessments);
  });

  it('a signed report by a trusted certificate imports without warning; the audit trail names the signer', async () => {
    const b = await colleague();
    try {
      expect((await b.dispatch('addTrustedRoot', { certificateBase64: base64(Buffer.from(pki.rootPem)) })).ok).toBe(true);
      const preview = await send(b, 'previewExchange', { fileName: 'rapport.pdf', contentBase64: base64(signedPdf) });
      expect(preview.source).toMatchObject({ kind: 'pdf', signed: true, trusted: true, signer: TEST_SIGNER_CN });
      expect(preview.source.warning).toBeUndefined();
      expect(preview.counts.new).toBeGreaterThan(0);
      const applied = await send(b, 'applyExchange', { fileName: 'rapport.pdf', contentBase64: base64(signedPdf), defaultChoice: 'mine' });
      expect(applied.periodsTransmitted).toBe(1);
      expect(b.db.prepare(`SELECT state FROM period WHERE code = '2026-T4'`).pluck().get()).toBe('transmitted');
      expect(listAudit(b.db, { entity: 'exchange_import', limit: 1 })[0]!.newValue).toMatchObject({
        fileName: 'rapport.pdf',
        source: { kind: 'pdf', signed: true, trusted: true, signer: TEST_SIGNER_CN },
      });
    } finally {
      b.close();
    }
  }, 60_000);

  it('a certificate not trusted here, or no signature at all: a warning to accept before anything is written', async () => {
    const b = await colleague();
    try {
      const untrusted = await readExchangeBytes('rapport.pdf', signedPdf);
      expect(untrusted.info.warning).toBe(SOURCE_MESSAGES.pdfUntrusted(TEST_SIGNER_CN));
      const unsigned = await readExchangeBytes('brouillon.pdf', unsignedPdf);
      expect(unsigned.info).toMatchObject({ kind: 'pdf', signed: false, warning: SOURCE_MESSAGES.pdfUnsigned });

      const before = snapshot(b.db);
      const refused = await b.dispatch('applyExchange', { fileName: 'brouillon.pdf', contentBase64: base64(unsignedPdf), defaultChoice: 'mine' });
      expect(refused).toMatchObject({ ok: false, error: { message: UNVERIFIED_NOT_ACCEPTED } });
      expect(snapshot(b.db)).toEqual(before);
      const accepted = await b.dispatch('applyExchange', {
        fileName: 'brouillon.pdf',
        contentBase64: base64(unsignedPdf),
        defaultChoice: 'mine',
        acceptUnverified: true,
      });
      expect(accepted).toMatchObject({ ok: true });
      expect(listAudit(b.db, { entity: 'exchange_import', limit: 1 })[0]!.newValue).toMatchObject({ source: { signed: false, warning: SOURCE_MESSAGES.pdfUnsigned } });
    } finally {
      b.close();
    }
  }, 60_000);

  it('the same report with one byte changed, or with something appended after signing, is refused; the database file is unchanged', async () => {
    const b = await colleague();
    try {
      // A byte inside the signed content (the page text), not in the signature itself.
      const text = Buffer.from(signedPdf).toString('latin1');
      const at = text.indexOf('/Producer');
      expect(at).toBeGreaterThan(0);
      const flipped = Uint8Array.from(signedPdf);
      flipped[at + 3] = flipped[at + 3]! ^ 0x01;
      const appended = Buffer.concat([Buffer.from(signedPdf), Buffer.from('\n1 0 obj\n<< /Producer (modifié) >>\nendobj\n')]);

      b.db.pragma('wal_checkpoint(TRUNCATE)');
      const bytes = fs.readFileSync(b.databasePath);
      for (const [name, pdf] of [
        ['modifie.pdf', flipped],
        ['complete.pdf', appended],
      ] as const) {
        await expect(readExchangeBytes(name, pdf)).rejects.toThrow(SOURCE_MESSAGES.pdfModified);
        const file = { fileName: name, contentBase64: base64(pdf) };
        for (const result of [
          await b.dispatch('previewExchange', file),
          await b.dispatch('applyExchange', { ...file, defaultChoice: 'theirs', acceptUnverified: true }),
        ]) {
          expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: SOURCE_MESSAGES.pdfModified } });
        }
      }
      b.db.pragma('wal_checkpoint(TRUNCATE)');
      expect(fs.readFileSync(b.databasePath).equals(bytes)).toBe(true);
    } finally {
      b.close();
    }
  }, 60_000);

  it('a PDF that is not one of our reports is refused with its reason; so is a file of another kind', async () => {
    const other = new jsPDF();
    other.text('Compte rendu de réunion', 20, 20);
    const pdf = new Uint8Array(other.output('arraybuffer'));
    await expect(readExchangeBytes('reunion.pdf', pdf)).rejects.toThrow(SOURCE_MESSAGES.pdfWithoutExchange);
    await expect(readExchangeBytes('image.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).rejects.toThrow(SOURCE_MESSAGES.unknownKind);
  });
});
