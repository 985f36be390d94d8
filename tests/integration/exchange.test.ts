import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../electron/services/audit';
import type { ServiceContext } from '../../electron/services/context';
import { backupDatabase } from '../../electron/services/db/backup';
import { applyImport } from '../../electron/services/exchange/apply';
import { exchangeFileName, exportExchange, writeExchangeFile } from '../../electron/services/exchange/export';
import { previewImport } from '../../electron/services/exchange/preview';
import { readExchangeSource } from '../../electron/services/exchange/sources';
import { saveSubsidy } from '../../electron/services/fipd/subsidies';
import { saveActionStatuses, saveIndicatorValues } from '../../electron/services/followup';
import { createGeography } from '../../electron/services/geography';
import { transmitPeriod } from '../../electron/services/periods';
import { ACTION_STATUSES } from '../../shared/domain/types';
import { canonicalJson, sha256Hex, type ExchangeDocument } from '../../shared/exchange/format';
import { openCore, snapshot, steppingClock, tempDir } from '../support/db';
import { addCredits } from '../support/fipd';
import { COMMUNES_FILE } from '../support/paths';

type Core = Awaited<ReturnType<typeof openCore>>;
const geography = createGeography(COMMUNES_FILE);

/** The follow-up tables, QRR named instead of numbered, without who/when wrote the row here. */
function contents(db: Core['db']): Record<string, unknown[]> {
  const q = (sql: string) => db.prepare(sql).all();
  return {
    qrr: q(`SELECT name, security_zone, wave, population, (SELECT group_concat(insee_code) FROM qrr_commune c WHERE c.qrr_id = qrr.id) AS communes FROM qrr ORDER BY name`),
    indicator_value: q(`SELECT q.name, indicator_code, period_code, value, target, comment, source FROM indicator_value v JOIN qrr q ON q.id = v.qrr_id ORDER BY 1, 2, 3`),
    action_status: q(`SELECT q.name, action_code, period_code, status, comment, referent FROM action_status v JOIN qrr q ON q.id = v.qrr_id ORDER BY 1, 2, 3`),
    assessment: q(
      `SELECT q.name, engagement_code, period_code, meteo, trend, comment, comment_author, comment_date FROM assessment v JOIN qrr q ON q.id = v.qrr_id ORDER BY 1, 2, 3`,
    ),
    period: q(`SELECT code, state FROM period ORDER BY code`),
    fipd_envelope: q(
      `SELECT q.name, budget_year, source, amount_cents, decided_on, comment, over_envelope_reason FROM fipd_envelope e JOIN qrr q ON q.id = e.qrr_id ORDER BY 1, 2, 3`,
    ),
    subsidy: q(
      `SELECT s.uid, q.name, budget_year, source, action_codes, beneficiary_name, siret, rna, title, requested_cents, granted_cents, cofinancing_cents,
              decision_kind, decision_number, decision_date, chorus_ej, report_due_date, report_received_date, documents, status, over_envelope_reason, s.comment
       FROM subsidy s JOIN qrr q ON q.id = s.qrr_id ORDER BY s.uid`,
    ),
    subsidy_payment: q(
      `SELECT p.uid, s.uid AS subsidy, paid_on, amount_cents, kind, p.comment FROM subsidy_payment p JOIN subsidy s ON s.id = p.subsidy_id ORDER BY p.uid`,
    ),
  };
}


describe('exchange files between two databases', () => {
  let a: Core;
  let b: Core;
  let ctxA: ServiceContext;
  let ctxB: ServiceContext;
  let file: string;
  let document: ExchangeDocument;
  const backups: string[] = [];
  const importInto = (ctx: ServiceContext, doc: ExchangeDocument, decisions: Parameters<typeof applyImport>[2]) =>
    applyImport(ctx, doc, decisions, {
      backup: async () => {
        const f = await backupDatabase(ctx.db, path.join(b.dir, 'sauvegardes'), 'avant-import', ctx.now());
        backups.push(f);
        return f;
      },
      fileName: path.basename(file),
      hash: sha256Hex(fs.readFileSync(file)),
      geography,
    });

  beforeAll(async () => {
    a = await openCore();
    b = await openCore();
    expect((await a.dispatch('installDemo', undefined)).ok).toBe(true);
    expect((await b.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Bérénice B.' })).ok).toBe(true);
    ctxA = { db: a.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
    ctxB = { db: b.db, now: steppingClock('2026-11-28T09:00:00.000Z'), osUser: 'bob', origin: 'ui' };
    addCredits(ctxA, a.db.prepare('SELECT min(id) FROM qrr').pluck().get() as number);
    document = exportExchange(ctxA);
    file = writeExchangeFile(document, path.join(tempDir(), exchangeFileName(document)));
  });
  afterAll(() => {
    a?.close();
    b?.close();
  });

  it('writes a .qrr file that reads back to the same document', async () => {
    expect(file.endsWith('qrr-93-tout.qrr')).toBe(true);
    const read = await readExchangeSource(file);
    expect(read.document).toEqual(document);
    expect(read.fileHash).toBe(sha256Hex(fs.readFileSync(file)));
    expect(document.indicatorValues.length).toBeGreaterThan(0);
    expect(document.periods.some((p) => p.state === 'transmitted')).toBe(true);
    expect(document.subsidies).toHaveLength(3);
    expect(document.subsidies.flatMap((s) => s.payments)).toHaveLength(2);
    expect(document.fipdEnvelopes).toHaveLength(1);
  });

  it('into an empty database: everything is new, and B then holds what A holds', async () => {
    const preview = previewImport(ctxB, document, geography);
    expect(preview.counts.new).toBe(preview.lines.length);
    expect(preview.counts).toMatchObject({ identical: 0, conflict: 0, locked: 0 });
    const summary = await importInto(ctxB, (await readExchangeSource(file)).document, { defaultChoice: 'mine' });
    expect(summary.applied.new).toBe(preview.lines.length);
    expect(summary.qrrsCreated).toBe(document.qrrs.length);
    expect(summary.message).toMatch(/^Import de « qrr-93-tout\.qrr » terminé : \d+ nouvelles données ajoutées/);
    expect(fs.existsSync(summary.backupFile)).toBe(true);
    expect(summary.fipd).toEqual({ envelopes: 1, subsidiesCreated: 3, subsidiesUpdated: 0, payments: 0 });
    expect(summary.periodsTransmitted).toBe(document.periods.filter((p) => p.state === 'transmitted').length);
    // Table by table: every value, status, assessment, period state, envelope, subsidy and payment (with their uids).
    expect(contents(b.db)).toEqual(contents(a.db));
    expect(contents(b.db).subsidy_payment).toHaveLength(2);
    expect(listAudit(b.db, { entity: 'indicator_value', limit: 1 })[0]!.origin).toBe('import:qrr-93-tout.qrr');
  });

  it('the same file again: all identical, nothing written', async () => {
    const preview = previewImport(ctxB, document, geography);
    expect(preview.counts.identical).toBe(preview.lines.length);
    const before = snapshot(b.db);
    const summary = await importInto(ctxB, document, { defaultChoice: 'theirs' });
    expect(summary.applied).toEqual({ new: 0, theirs: 0 });
    expect(summary.identical).toBe(preview.lines.length);
    expect(snapshot(b.db)).toEqual(before);
  });

  it('a value changed here: one conflict, kept or taken as chosen, audited with the origin', async () => {
    const incoming = document.actionStatuses.find((s) => s.status !== null && document.periods.find((p) => p.code === s.periodCode)!.state === 'open')!;
    const qrrId = b.db.prepare('SELECT id FROM qrr WHERE name = ?').pluck().get(document.qrrs.find((q) => q.key === incoming.qrrKey)!.name) as number;
    const other = ACTION_STATUSES.find((s) => s !== incoming.status)!;
    saveActionStatuses(ctxB, incoming.periodCode, [{ qrrId, actionCode: incoming.actionCode, status: other }]);

    const preview = previewImport(ctxB, document, geography);
    const conflicts = preview.lines.filter((l) => l.kind === 'conflict');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({
      table: 'action_status',
      code: incoming.actionCode,
      periodCode: incoming.periodCode,
      field: 'status',
      mine: { value: other, updatedBy: 'bob' },
      theirs: { value: incoming.status, updatedBy: incoming.updatedBy, updatedAt: incoming.updatedAt },
    });

    const before = snapshot(b.db);
    const kept = await importInto(ctxB, document, { defaultChoice: 'mine' });
    expect(kept.keptMine).toBe(1);
    expect(snapshot(b.db)).toEqual(before);

    const taken = await importInto(ctxB, document, { defaultChoice: 'mine', perLine: { [conflicts[0]!.key]: 'theirs' } });
    expect(taken.applied).toEqual({ new: 0, theirs: 1 });
    expect(taken.message).toContain('1 conflit résolu avec la valeur reçue');
    expect(contents(b.db)).toEqual(contents(a.db));
    const entry = listAudit(b.db, { entity: 'action_status', limit: 1 })[0]!;
    expect(entry).toMatchObject({ origin: 'import:qrr-93-tout.qrr', osUser: 'bob', field: 'status', oldValue: other, newValue: incoming.status });
    expect(listAudit(b.db, { entity: 'exchange_import', limit: 1 })[0]!.newValue).toMatchObject({
      fileName: 'qrr-93-tout.qrr',
      sender: document.sender,
      departement: { code: '93' },
    });
  });

  it("another département's file is refused and B is unchanged byte for byte", async () => {
    const { sha256: _, ...rest } = document;
    const foreign = { ...rest, departement: { code: '13', nom: 'Bouches-du-Rhône' } };
    const sealed = { ...foreign, sha256: sha256Hex(canonicalJson(foreign)) } as ExchangeDocument;
    b.db.pragma('wal_checkpoint(TRUNCATE)');
    const before = snapshot(b.db);
    const bytes = fs.readFileSync(b.databasePath);
    const backupCount = backups.length;
    expect(() => previewImport(ctxB, sealed, geography)).toThrow(/Bouches-du-Rhône \(13\).*\(93\)/);
    await expect(importInto(ctxB, sealed, { defaultChoice: 'theirs' })).rejects.toThrow(/ne peut pas être importé/);
    expect(backups.length).toBe(backupCount);
    expect(snapshot(b.db)).toEqual(before);
    expect(fs.readFileSync(b.databasePath).equals(bytes)).toBe(true);
  });

  it('unknown codes are refused, listed', () => {
    const { sha256: _, ...rest } = document;
    const doc = { ...rest, actionStatuses: [{ ...rest.actionStatuses[0]!, actionCode: '99-99' }] };
    expect(() => previewImport(ctxB, { ...doc, sha256: sha256Hex(canonicalJson(doc)) }, geography)).toThrow(/action\(s\) « 99-99 »/);
  });

  it('a period transmitted here is locked: its lines are never changed by an import', async () => {
    const incoming = document.actionStatuses.find((s) => s.status !== null && s.periodCode === document.periods.find((p) => p.state === 'open')!.code)!;
    const qrrId = b.db.prepare('SELECT id FROM qrr WHERE name = ?').pluck().get(document.qrrs.find((q) => q.key === incoming.qrrKey)!.name) as number;
    const other = ACTION_STATUSES.find((s) => s !== incoming.status)!;
    saveActionStatuses(ctxB, incoming.periodCode, [{ qrrId, actionCode: incoming.actionCode, status: other }]);
    transmitPeriod(ctxB, incoming.periodCode);

    const preview = previewImport(ctxB, document, geography);
    expect(preview.counts.conflict).toBe(0);
    const locked = preview.lines.filter((l) => l.kind === 'locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({ lockReason: 'period_transmitted', periodCode: incoming.periodCode, mine: { value: other } });

    const before = snapshot(b.db);
    const summary = await importInto(ctxB, document, { defaultChoice: 'theirs', perLine: { [locked[0]!.key]: 'theirs' } });
    expect(summary.locked).toBe(1);
    expect(summary.applied).toEqual({ new: 0, theirs: 0 });
    expect(snapshot(b.db)).toEqual(before);
    expect(b.db.prepare('SELECT status FROM action_status WHERE qrr_id = ? AND action_code = ? AND period_code = ?').pluck().get(qrrId, incoming.actionCode, incoming.periodCode)).toBe(other);
  });
});

describe('merging two databases edited separately from the same file', () => {
  it('lists exactly the cells that differ; keep mine / take theirs give the expected values, audited with the origin', async () => {
    const a = await openCore();
    const b = await openCore();
    try {
      expect((await a.dispatch('installDemo', undefined)).ok).toBe(true);
      expect((await b.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Bérénice B.' })).ok).toBe(true);
      const ctxA: ServiceContext = { db: a.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
      const ctxB: ServiceContext = { db: b.db, now: steppingClock('2026-11-28T09:00:00.000Z'), osUser: 'bob', origin: 'ui' };
      addCredits(ctxA, a.db.prepare('SELECT min(id) FROM qrr').pluck().get() as number);
      const dir = tempDir();
      const importFile = async (doc: ExchangeDocument, decisions: Parameters<typeof applyImport>[2]) => {
        const file = writeExchangeFile(doc, path.join(dir, exchangeFileName(doc)));
        const read = await readExchangeSource(file);
        return applyImport(ctxB, read.document, decisions, {
          backup: () => backupDatabase(b.db, path.join(b.dir, 'sauvegardes'), 'avant-import', ctxB.now()),
          fileName: read.fileName,
          hash: read.fileHash,
          geography,
        });
      };
      await importFile(exportExchange(ctxA), { defaultChoice: 'mine' });

      // Both edit the same two cells and the same subsidy field differently; B also edits a cell of its own.
      const open = (a.db.prepare(`SELECT code FROM period WHERE state = 'open' ORDER BY code DESC`).pluck().get() as string)!;
      const qrrName = a.db.prepare('SELECT name FROM qrr ORDER BY id').pluck().get() as string;
      const idIn = (db: Core['db']) => db.prepare('SELECT id FROM qrr WHERE name = ?').pluck().get(qrrName) as number;
      const theatre = (db: Core['db']) => db.prepare(`SELECT id FROM subsidy WHERE title = 'Atelier théâtre'`).pluck().get() as number;
      saveIndicatorValues(ctxA, open, [{ qrrId: idIn(a.db), indicatorCode: '01-02', comment: 'Chiffre DASEN de novembre' }]);
      saveActionStatuses(ctxA, open, [{ qrrId: idIn(a.db), actionCode: '02-01', referent: 'Mme Alice, DDETS' }]);
      saveSubsidy(ctxA, { id: theatre(a.db), requestedCents: 900_000 });
      saveIndicatorValues(ctxB, open, [{ qrrId: idIn(b.db), indicatorCode: '01-02', comment: 'Chiffre provisoire' }]);
      saveActionStatuses(ctxB, open, [{ qrrId: idIn(b.db), actionCode: '02-01', referent: 'M. Bob, mairie' }]);
      saveSubsidy(ctxB, { id: theatre(b.db), requestedCents: 850_000 });
      saveIndicatorValues(ctxB, open, [{ qrrId: idIn(b.db), indicatorCode: '01-03', source: 'Rectorat' }]);

      const second = exportExchange(ctxA);
      const preview = previewImport(ctxB, second, geography);
      const conflicts = preview.lines.filter((l) => l.kind === 'conflict');
      // Every cell where both sides hold a different value, whoever changed it: B's own edit of 01-03 too
      // (without a common ancestor, only the dates shown on each side tell which one is newer).
      expect(conflicts.map((l) => [l.table, l.table === 'subsidy' ? 'Atelier théâtre' : l.code, l.field, l.mine!.value, l.theirs.value]).sort()).toEqual(
        [
          ['action_status', '02-01', 'referent', 'M. Bob, mairie', 'Mme Alice, DDETS'],
          ['indicator_value', '01-02', 'comment', 'Chiffre provisoire', 'Chiffre DASEN de novembre'],
          ['indicator_value', '01-03', 'source', 'Rectorat', 'DSDEN (démonstration)'],
          ['subsidy', 'Atelier théâtre', 'requestedCents', 850_000, 900_000],
        ].sort(),
      );
      expect(conflicts.every((l) => l.mine!.updatedBy === 'bob')).toBe(true);
      expect(conflicts.filter((l) => l.code !== '01-03').every((l) => l.theirs.updatedBy === 'alice')).toBe(true);

      const byField = (field: string) => conflicts.find((l) => l.field === field)!.key;
      const summary = await importFile(second, { defaultChoice: 'mine', perLine: { [byField('comment')]: 'theirs', [byField('requestedCents')]: 'theirs' } });
      expect(summary.applied).toEqual({ new: 0, theirs: 2 });
      expect(summary.keptMine).toBe(2);
      const value = b.db.prepare(`SELECT comment, source FROM indicator_value WHERE qrr_id = ? AND period_code = ? AND indicator_code = ?`);
      expect(value.get(idIn(b.db), open, '01-02')).toMatchObject({ comment: 'Chiffre DASEN de novembre' });
      expect(value.get(idIn(b.db), open, '01-03')).toMatchObject({ source: 'Rectorat' });
      expect(b.db.prepare(`SELECT referent FROM action_status WHERE qrr_id = ? AND period_code = ? AND action_code = '02-01'`).pluck().get(idIn(b.db), open)).toBe('M. Bob, mairie');
      expect(b.db.prepare('SELECT requested_cents FROM subsidy WHERE id = ?').pluck().get(theatre(b.db))).toBe(900_000);
      const fileName = exchangeFileName(second);
      expect(listAudit(b.db, { entity: 'indicator_value', limit: 1 })[0]).toMatchObject({ origin: `import:${fileName}`, field: 'comment', newValue: 'Chiffre DASEN de novembre' });
      expect(listAudit(b.db, { entity: 'subsidy', limit: 1 })[0]).toMatchObject({ origin: `import:${fileName}`, field: 'requestedCents', oldValue: 850_000, newValue: 900_000 });
    } finally {
      a.close();
      b.close();
    }
  });

  it('a version 1 file (written before FIPD credits were exchanged) imports, migrated on the fly', async () => {
    const a = await openCore();
    const b = await openCore();
    try {
      expect((await a.dispatch('installDemo', undefined)).ok).toBe(true);
      expect((await b.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' })).ok).toBe(true);
      const ctxA: ServiceContext = { db: a.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
      const ctxB: ServiceContext = { db: b.db, now: steppingClock('2026-11-28T09:00:00.000Z'), osUser: 'bob', origin: 'ui' };
      const { sha256: _, fipdEnvelopes: _e, subsidies: _s, ...current } = exportExchange(ctxA);
      const v1 = { ...current, version: 1 };
      const file = path.join(tempDir(), 'ancien.qrr.json');
      fs.writeFileSync(file, JSON.stringify({ ...v1, sha256: sha256Hex(canonicalJson(v1)) }, null, 2));
      const read = await readExchangeSource(file);
      expect(read.info.migratedFrom).toBe(1);
      const summary = await applyImport(ctxB, read.document, { defaultChoice: 'mine' }, {
        backup: () => backupDatabase(b.db, path.join(b.dir, 'sauvegardes'), 'avant-import', ctxB.now()),
        fileName: read.fileName,
        hash: read.fileHash,
        geography,
      });
      expect(summary.applied.new).toBeGreaterThan(0);
      const { subsidy: _x, subsidy_payment: _y, fipd_envelope: _z, ...followupB } = contents(b.db);
      const { subsidy: _x2, subsidy_payment: _y2, fipd_envelope: _z2, ...followupA } = contents(a.db);
      expect(followupB).toEqual(followupA);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('bad input: refused in French, the database file unchanged byte for byte', () => {
  it('each bad file, through the same request as the screen', async () => {
    const a = await openCore();
    const b = await openCore();
    try {
      expect((await a.dispatch('installDemo', undefined)).ok).toBe(true);
      expect((await b.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' })).ok).toBe(true);
      const ctxA: ServiceContext = { db: a.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
      addCredits(ctxA, a.db.prepare('SELECT min(id) FROM qrr').pluck().get() as number);
      const good = exportExchange(ctxA, { periods: ['2026-T4'] });
      const { sha256: _, ...unsigned } = good;
      const reseal = (doc: Record<string, unknown>): string => JSON.stringify({ ...doc, sha256: sha256Hex(canonicalJson(doc)) });
      const text = JSON.stringify(good, null, 2);
      const cases: [string, string | Uint8Array, RegExp][] = [
        ['autre-departement.qrr', reseal({ ...unsigned, departement: { code: '13', nom: 'Bouches-du-Rhône' } }), /Bouches-du-Rhône \(13\).*ne peut pas être importé/],
        ['plus-recent.qrr', reseal({ ...unsigned, version: 3 }), /version plus récente de l'application/],
        ['codes-inconnus.qrr', reseal({ ...unsigned, indicatorValues: [{ ...unsigned.indicatorValues[0]!, indicatorCode: '11-01' }] }), /codes inconnus.*« 11-01 »/],
        ['subvention-inconnue.qrr', reseal({ ...unsigned, subsidies: [{ ...unsigned.subsidies[0]!, actionCodes: ['12-01'] }] }), /actions inconnues.*« 12-01 »/],
        ['tronque.qrr', text.slice(0, Math.floor(text.length * 0.6)), /tronqué/],
        ['pas-du-json.qrr', 'Quartier;Valeur\nNord;12\n', /n'est ni un fichier d'échange/],
        ['mauvais-type.qrr', reseal({ ...unsigned, indicatorValues: [{ ...unsigned.indicatorValues[0]!, updatedAt: 12 }] }), /indicatorValues\.0\.updatedAt : un texte est attendu/],
        ['cle-en-double.qrr', text.replace('"format": "qrr-echange",', '"format": "qrr-echange",\n  "format": "qrr-echange",'), /apparaît deux fois/],
        ['modifie.qrr', text.replace(/"comment": ""/, '"comment": "ajouté à la main"'), /empreinte SHA-256/],
        ['paiement-excessif.qrr', reseal({ ...unsigned, subsidies: unsigned.subsidies.map((s) => ({ ...s, grantedCents: s.payments.length ? 100 : s.grantedCents })) }), /supérieurs au montant attribué/],
      ];
      b.db.pragma('wal_checkpoint(TRUNCATE)');
      const bytes = fs.readFileSync(b.databasePath);
      const before = snapshot(b.db);
      for (const [fileName, content, message] of cases) {
        const contentBase64 = Buffer.from(content).toString('base64');
        for (const result of [
          await b.dispatch('previewExchange', { fileName, contentBase64 }),
          await b.dispatch('applyExchange', { fileName, contentBase64, defaultChoice: 'theirs', acceptUnverified: true }),
        ]) {
          expect(result, fileName).toMatchObject({ ok: false, error: { message: expect.stringMatching(message) } });
        }
      }
      expect(snapshot(b.db)).toEqual(before);
      b.db.pragma('wal_checkpoint(TRUNCATE)');
      expect(fs.readFileSync(b.databasePath).equals(bytes)).toBe(true);
      expect(fs.existsSync(path.join(b.dir, 'sauvegardes')) ? fs.readdirSync(path.join(b.dir, 'sauvegardes')).filter((f) => f.includes('avant-import')) : []).toEqual([]);
    } finally {
      a.close();
      b.close();
    }
  }, 120_000);

  it('a file larger than the limit (200 Mo) is refused from its size, without being read', async () => {
    const file = path.join(tempDir(), 'enorme.qrr');
    const fd = fs.openSync(file, 'w');
    fs.ftruncateSync(fd, 200 * 1024 * 1024 + 1); // sparse: nothing is written to the disk
    fs.closeSync(fd);
    await expect(readExchangeSource(file)).rejects.toThrow(/trop volumineux \(plus de 200 Mo\)/);
  });
});
