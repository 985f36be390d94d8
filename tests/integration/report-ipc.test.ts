import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCore, snapshot } from '../support/db';
import { certificatePem, makeTestPki, TEST_SIGNER_CN } from '../support/pki';

describe('reports and demonstration over IPC', () => {
  it('installs the demonstration only in an empty database, then serves the dashboard model and reports', async () => {
    const core = await openCore(undefined, { now: () => new Date('2026-11-26T10:00:00Z') });
    try {
      const demo = await core.dispatch('installDemo', undefined);
      expect(demo).toMatchObject({ ok: true, value: { qrrs: 3, periods: 8 } });
      const before = snapshot(core.db);
      expect(await core.dispatch('installDemo', undefined)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/déjà des données/) } });
      expect(snapshot(core.db)).toEqual(before);

      const model = await core.dispatch('getReportModel', { periodCode: '2026-T4' });
      expect(model).toMatchObject({ ok: true, value: { period: { label: '4e trimestre 2026' }, qrrs: [{}, {}, {}] } });

      // An unsigned report cannot transmit the quarter; an unsigned export is allowed.
      expect(await core.dispatch('generateReport', { periodCode: '2026-T4', transmit: true })).toMatchObject({
        ok: false,
        error: { message: 'Seul un rapport signé peut accompagner la transmission du trimestre.' },
      });
      const unsigned = await core.dispatch('generateReport', { periodCode: '2026-T4', transmit: false });
      expect(unsigned).toMatchObject({ ok: true, value: { signed: false, transmitted: false, fileName: 'rapport-qrr-93-2026-T4-non-signe.pdf' } });
      const file = (unsigned as { ok: true; value: { path: string } }).value.path;
      expect(path.dirname(file)).toBe(path.join(core.dir, 'rapports'));

      const pki = makeTestPki({ password: 'secret' });
      const signed = await core.dispatch('generateReport', {
        periodCode: '2026-T4',
        transmit: true,
        confirmIncomplete: true,
        signature: { p12Base64: Buffer.from(pki.p12).toString('base64'), password: 'secret', visible: true },
      });
      expect(signed).toMatchObject({ ok: true, value: { signed: true, signer: TEST_SIGNER_CN, transmitted: true } });
      const signedPath = (signed as { ok: true; value: { path: string } }).value.path;
      expect((await core.dispatch('listPeriods', undefined) as { ok: true; value: { code: string; state: string }[] }).value[0]).toMatchObject({ code: '2026-T4', state: 'transmitted' });
      expect((await core.dispatch('listReports', {}) as { ok: true; value: unknown[] }).value).toHaveLength(2);

      const verdict = await core.dispatch('verifyReport', { pdfBase64: fs.readFileSync(signedPath).toString('base64') });
      expect(verdict).toMatchObject({ ok: true, value: { signed: true, intact: true, coversWholeFile: true, signer: TEST_SIGNER_CN, attachment: { departement: '93', period: '2026-T4', trusted: true } } });
      const notSigned = await core.dispatch('verifyReport', { pdfBase64: fs.readFileSync(file).toString('base64') });
      expect(notSigned).toMatchObject({ ok: true, value: { signed: false, attachment: { trusted: false } } });
      expect(await core.dispatch('verifyReport', { pdfBase64: 'pas du base64 !' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    } finally {
      core.close();
    }
  }, 120_000);
});

describe('trusted certification authorities', () => {
  it('adds an organisation root (audited), makes signatures by its certificates trusted, refuses a non-CA certificate', async () => {
    const core = await openCore(undefined, { now: () => new Date('2026-11-26T10:00:00Z') });
    try {
      await core.dispatch('installDemo', undefined);
      const pki = makeTestPki({ password: 'secret' });
      const signed = await core.dispatch('generateReport', {
        periodCode: '2026-T4',
        transmit: false,
        signature: { p12Base64: Buffer.from(pki.p12).toString('base64'), password: 'secret', visible: false },
      });
      const pdf = fs.readFileSync((signed as { ok: true; value: { path: string } }).value.path).toString('base64');
      expect(await core.dispatch('verifyReport', { pdfBase64: pdf })).toMatchObject({ ok: true, value: { intact: true, trusted: false } });

      const added = await core.dispatch('addTrustedRoot', { certificateBase64: Buffer.from(pki.rootPem).toString('base64') });
      expect(added).toMatchObject({ ok: true, value: { subject: expect.stringContaining('Autorité racine de test QRR') } });
      expect(await core.dispatch('verifyReport', { pdfBase64: pdf })).toMatchObject({ ok: true, value: { intact: true, trusted: true } });
      expect(fs.readdirSync(path.join(core.dir, 'autorites-de-confiance'))).toHaveLength(1);

      const signerPem = Buffer.from(certificatePem(pki.signer));
      expect(await core.dispatch('addTrustedRoot', { certificateBase64: signerPem.toString('base64') })).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/n'est pas celui d'une autorité de certification/) },
      });
      expect(await core.dispatch('addTrustedRoot', { certificateBase64: Buffer.from('bonjour').toString('base64') })).toMatchObject({
        ok: false,
        error: { message: "Ce fichier n'est pas un certificat X.509 (PEM ou DER)." },
      });
      const fingerprint = (added as { ok: true; value: { fingerprint: string } }).value.fingerprint;
      expect(await core.dispatch('removeTrustedRoot', { fingerprint })).toEqual({ ok: true, value: { removed: fingerprint } });
      expect(await core.dispatch('listTrustedRoots', undefined)).toEqual({ ok: true, value: [] });
      expect(core.db.prepare("SELECT action FROM audit_log WHERE entity = 'trusted_root' ORDER BY id").pluck().all()).toEqual(['create', 'delete']);
    } finally {
      core.close();
    }
  }, 120_000);
});
