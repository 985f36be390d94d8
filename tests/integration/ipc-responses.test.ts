/**
 * Every channel of the contract, called through the real dispatcher over a
 * real SQLite file (the demonstration installed, then every kind of write),
 * answers what its response schema (shared/ipc/responses.ts) says. The
 * renderer trusts these answers: a field renamed, a number sent as text or a
 * date in another format is caught here, channel by channel.
 */
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNELS, type ChannelName, type RequestOf, type ResponseOf } from '../../shared/ipc/contract';
import { responseSchemas } from '../../shared/ipc/responses';
import { openCore } from '../support/db';
import { makeTestPki } from '../support/pki';
import { startTestTsa, type TestTsa } from '../support/tsa';

type Core = Awaited<ReturnType<typeof openCore>>;

const answered = new Set<ChannelName>();
const cores: Core[] = [];
let tsa: TestTsa | null = null;

afterAll(async () => {
  for (const core of cores) core.close();
  await tsa?.close();
});

/** Calls a channel, expects success, and parses the answer with the channel's response schema. */
async function call<C extends ChannelName>(core: Core, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await core.dispatch(channel, request);
  if (!result.ok) throw new Error(`${channel} : ${result.error.code} ${result.error.message}`);
  const parsed = responseSchemas[channel].safeParse(result.value);
  expect(parsed.success ? [] : parsed.error.issues.map((i) => `${channel}.${i.path.join('.')} : ${i.message}`)).toEqual([]);
  answered.add(channel);
  return result.value as ResponseOf<C>;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

describe('IPC responses', () => {
  it('every channel answers what its response schema says', async () => {
    const core = await openCore();
    cores.push(core);
    const password = 'mot de passe';
    const pki = makeTestPki({ password });

    // The application, its département, the demonstration.
    await call(core, 'getAppInfo', undefined);
    await call(core, 'listDepartements', undefined);
    expect(await call(core, 'getSettings', undefined)).toBeNull();
    const demo = await call(core, 'installDemo', undefined);
    expect(demo.qrrs).toBeGreaterThan(0);
    const settings = (await call(core, 'getSettings', undefined))!;
    await call(core, 'saveSettings', { departementCode: settings.departementCode, prefetName: 'Mme la préfète', coordinatorName: 'M. le coordinateur' });
    const communes = await call(core, 'listCommunes', undefined);
    const referential = await call(core, 'getReferential', undefined);

    // Quartiers.
    const created = await call(core, 'createQrr', { name: 'QRR des essais', communes: [communes[0]!.code] });
    await call(core, 'updateQrr', { id: created.id, name: 'QRR des essais (renommé)', communes: [] });
    await call(core, 'archiveQrr', { id: created.id });
    await call(core, 'restoreQrr', { id: created.id });
    await call(core, 'deleteQrr', { id: created.id });
    const qrrs = await call(core, 'listQrrs', { includeArchived: true });
    const qrrId = qrrs[0]!.id;

    // Quarters and follow-up.
    const periods = await call(core, 'listPeriods', undefined);
    const open = periods.find((p) => p.state !== 'transmitted')!.code;
    await call(core, 'openPeriod', { code: open });
    const indicator = referential.engagements[0]!.indicators[0]!.code;
    const action = referential.engagements[0]!.actions[0]!.code;
    await call(core, 'listIndicatorValues', { periodCode: open });
    await call(core, 'saveIndicatorValues', { periodCode: open, changes: [{ qrrId, indicatorCode: '01-03', value: { count: 4 } }] });
    await call(core, 'listActionStatuses', { periodCode: open });
    await call(core, 'saveActionStatuses', { periodCode: open, changes: [{ qrrId, actionCode: action, status: 'en_cours' }] });
    await call(core, 'listAssessments', { periodCode: open });
    const shown = qrrs.filter((q) => !q.archivedAt).map((q) => q.id);
    const names = await call(core, 'listQrrNames', undefined);
    expect(names.id).toEqual(shown);
    const grid = await call(core, 'loadIndicatorGrid', { periodCode: open, qrrIds: shown });
    expect(grid.current.qrrId.length).toBeGreaterThan(0);
    expect(grid.previousCode).not.toBeNull();
    expect((await call(core, 'loadActionGrid', { periodCode: open, qrrIds: [qrrId] })).current.actionCode.length).toBeGreaterThan(0);
    await call(core, 'saveAssessment', { periodCode: open, qrrId, engagementCode: '08', meteo: 'orage', trend: 'baisse', comment: 'Tensions ce trimestre.' });
    await call(core, 'listSansObjet', undefined);
    await call(core, 'saveSansObjet', { qrrId, itemType: 'indicator', code: indicator, sansObjet: true, reason: 'Sans objet dans ce quartier.' });
    await call(core, 'listTargets', undefined);
    await call(core, 'saveTarget', { qrrId, indicatorCode: '01-03', initialValue: 10, initialDate: '2025-03-31', targetValue: 30, targetDeadline: '2027-06-30' });

    // FIPD credits.
    const year = Number(open.slice(0, 4));
    await call(core, 'setEnvelope', { qrrId, budgetYear: year, amountCents: 10_000_000 });
    await call(core, 'listEnvelopes', { budgetYear: year });
    const subsidy = await call(core, 'saveSubsidy', {
      budgetYear: year,
      qrrId,
      source: 'fipd',
      beneficiaryName: 'Association des essais',
      title: 'Action de prévention',
      grantedCents: 100_000,
      status: 'attribuee',
      decisionDate: `${year}-01-15`,
    });
    const withPayment = await call(core, 'addPayment', { subsidyId: subsidy.id, paidOn: `${year}-02-15`, amountCents: 50_000, kind: 'avance' });
    await call(core, 'deletePayment', { id: withPayment.payments[0]!.id });
    const [second] = await call(core, 'saveSubsidies', {
      via: 'collage',
      lines: [{ budgetYear: year, qrrId, source: 'fipd', beneficiaryName: 'Maison des jeunes', title: 'Soutien scolaire', grantedCents: 0, status: 'demandee' }],
    });
    await call(core, 'deleteSubsidy', { id: second!.id });
    await call(core, 'listSubsidies', {});
    await call(core, 'getLedger', { budgetYear: year });
    await call(core, 'exportSubsidies', { format: 'csv' });

    // Reports, signed and time-stamped, verified; trust and time-stamp settings.
    tsa = await startTestTsa({ issuer: pki.intermediate, chainPem: [forge.pki.certificateToPem(pki.intermediate.cert)] });
    await call(core, 'getTimestampSettings', undefined);
    await call(core, 'testTimestampAuthority', { tsaUrl: tsa.url });
    await call(core, 'saveTimestampSettings', { tsaUrl: tsa.url });
    const root = await call(core, 'addTrustedRoot', { certificateBase64: base64(Buffer.from(pki.rootPem)) });
    await call(core, 'listTrustedRoots', undefined);
    await call(core, 'getSigningSetup', undefined);
    await call(core, 'setPkcs11Module', { modulePath: null });
    await call(core, 'getReportModel', { periodCode: open });
    const report = await call(core, 'generateReport', {
      periodCode: open,
      transmit: false,
      signature: { p12Base64: base64(pki.p12), password, visible: true },
    });
    await call(core, 'listReports', { periodCode: open });
    const verdict = await call(core, 'verifyReport', { pdfBase64: base64(fs.readFileSync(report.path)) });
    expect(verdict).toMatchObject({ status: 'valid', trusted: true });
    await call(core, 'removeTrustedRoot', { fingerprint: root.fingerprint });
    await call(core, 'transmitPeriod', { code: open, confirmIncomplete: true });
    await call(core, 'reopenPeriod', { code: open, reason: 'Correction des chiffres de la DASEN' });

    // Exchange files: written, previewed and applied by a colleague, opened from outside, consolidated.
    const exported = await call(core, 'exportExchange', { periods: [open] });
    const colleague = await openCore();
    cores.push(colleague);
    await call(colleague, 'saveSettings', { departementCode: settings.departementCode, prefetName: '', coordinatorName: '' });
    const file = { fileName: exported.fileName, contentBase64: base64(fs.readFileSync(exported.path)) };
    const preview = await call(colleague, 'previewExchange', file);
    const page = await call(colleague, 'previewExchangeLines', { previewId: preview.previewId, kind: 'new', offset: 0, limit: 50, withKeys: true });
    expect(page.lines.length).toBe(Math.min(50, preview.counts.new));
    expect(page.keys).toHaveLength(preview.counts.new);
    await call(colleague, 'applyExchange', { ...file, defaultChoice: 'theirs' });
    await call(core, 'exportExchange', { periods: [open], format: 'xlsx' });
    expect(core.openedFiles.push(exported.path)).toBe('queued');
    expect(await call(core, 'takeOpenedFile', undefined)).toMatchObject({ fileName: path.basename(exported.path) });
    expect(await call(core, 'takeOpenedFile', undefined)).toBeNull();
    const national = { files: [{ fileName: exported.fileName, text: fs.readFileSync(exported.path, 'utf8') }], periodCode: open };
    await call(core, 'consolidateExchanges', national);
    await call(core, 'exportNationalReport', national);

    // The journal, backups, and moving to another workstation.
    await call(core, 'listAudit', {});
    const backup = await call(core, 'backupNow', undefined);
    await call(core, 'listBackups', undefined);
    await call(core, 'restoreBackup', { name: backup.name });
    const archive = await call(core, 'exportEverything', undefined);
    const newcomer = await openCore();
    cores.push(newcomer);
    await call(newcomer, 'restoreEverything', { archiveBase64: base64(fs.readFileSync(archive.path)), fileName: archive.fileName });

    // Not reached here, and why (each has its own tests):
    const elsewhere: Partial<Record<ChannelName, string>> = {
      listTokenCertificates: 'needs a PKCS#11 token (tests/integration/pkcs11.test.ts, with SoftHSM)',
    };
    expect(CHANNELS.filter((c) => !answered.has(c) && !(c in elsewhere))).toEqual([]);
    expect(Object.keys(responseSchemas).sort()).toEqual([...CHANNELS].sort());
  }, 240_000);
});
