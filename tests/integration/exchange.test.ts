import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../electron/services/audit';
import type { ServiceContext } from '../../electron/services/context';
import { backupDatabase } from '../../electron/services/db/backup';
import { applyImport } from '../../electron/services/exchange/apply';
import { exchangeFileName, exportExchange, writeExchangeFile } from '../../electron/services/exchange/export';
import { previewImport, readExchangeFile } from '../../electron/services/exchange/preview';
import { saveActionStatuses } from '../../electron/services/followup';
import { createGeography } from '../../electron/services/geography';
import { transmitPeriod } from '../../electron/services/periods';
import { ACTION_STATUSES } from '../../shared/domain/types';
import { canonicalJson, sha256Hex, type ExchangeDocument } from '../../shared/exchange/format';
import { openCore, snapshot, steppingClock, tempDir } from '../support/db';
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
    document = exportExchange(ctxA);
    file = writeExchangeFile(document, path.join(tempDir(), exchangeFileName(document)));
  });
  afterAll(() => {
    a?.close();
    b?.close();
  });

  it('writes a .qrr.json file that reads back to the same document', () => {
    expect(file.endsWith('qrr-93-tout.qrr.json')).toBe(true);
    const read = readExchangeFile(file);
    expect(read.document).toEqual(document);
    expect(read.fileHash).toBe(sha256Hex(fs.readFileSync(file)));
    expect(document.indicatorValues.length).toBeGreaterThan(0);
    expect(document.periods.some((p) => p.state === 'transmitted')).toBe(true);
  });

  it('into an empty database: everything is new, and B then holds what A holds', async () => {
    const preview = previewImport(ctxB, document);
    expect(preview.counts.new).toBe(preview.lines.length);
    expect(preview.counts).toMatchObject({ identical: 0, conflict: 0, locked: 0 });
    const summary = await importInto(ctxB, readExchangeFile(file).document, { defaultChoice: 'mine' });
    expect(summary.applied.new).toBe(preview.lines.length);
    expect(summary.qrrsCreated).toBe(document.qrrs.length);
    expect(summary.message).toMatch(/^Import de « qrr-93-tout\.qrr\.json » terminé : \d+ nouvelles données ajoutées/);
    expect(fs.existsSync(summary.backupFile)).toBe(true);
    expect(contents(b.db)).toEqual(contents(a.db));
    expect(listAudit(b.db, { entity: 'indicator_value', limit: 1 })[0]!.origin).toBe('import:qrr-93-tout.qrr.json');
  });

  it('the same file again: all identical, nothing written', async () => {
    const preview = previewImport(ctxB, document);
    expect(preview.counts.identical).toBe(preview.lines.length);
    const before = snapshot(b.db);
    const summary = await importInto(ctxB, document, { defaultChoice: 'theirs' });
    expect(summary.applied).toEqual({ new: 0, theirs: 0 });
    expect(summary.identical).toBe(preview.lines.length);
    expect(snapshot(b.db)).toEqual(before);
  });

  it('a value changed here: one conflict, kept or taken as chosen, audited with the origin', async () => {
    const incoming = document.actionStatuses.find((s) => s.status !== null && document.periods.find((p) => p.code === s.periodCode)!.state === 'transmitted')!;
    const qrrId = b.db.prepare('SELECT id FROM qrr WHERE name = ?').pluck().get(document.qrrs.find((q) => q.key === incoming.qrrKey)!.name) as number;
    const other = ACTION_STATUSES.find((s) => s !== incoming.status)!;
    saveActionStatuses(ctxB, incoming.periodCode, [{ qrrId, actionCode: incoming.actionCode, status: other }]);

    const preview = previewImport(ctxB, document);
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
    expect(entry).toMatchObject({ origin: 'import:qrr-93-tout.qrr.json', osUser: 'bob', field: 'status', oldValue: other, newValue: incoming.status });
    expect(listAudit(b.db, { entity: 'exchange_import', limit: 1 })[0]!.newValue).toMatchObject({
      fileName: 'qrr-93-tout.qrr.json',
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
    expect(() => previewImport(ctxB, sealed)).toThrow(/Bouches-du-Rhône \(13\).*\(93\)/);
    await expect(importInto(ctxB, sealed, { defaultChoice: 'theirs' })).rejects.toThrow(/ne peut pas être importé/);
    expect(backups.length).toBe(backupCount);
    expect(snapshot(b.db)).toEqual(before);
    expect(fs.readFileSync(b.databasePath).equals(bytes)).toBe(true);
  });

  it('unknown codes are refused, listed', () => {
    const { sha256: _, ...rest } = document;
    const doc = { ...rest, actionStatuses: [{ ...rest.actionStatuses[0]!, actionCode: '99-99' }] };
    expect(() => previewImport(ctxB, { ...doc, sha256: sha256Hex(canonicalJson(doc)) })).toThrow(/action\(s\) « 99-99 »/);
  });

  it('a period transmitted here is locked: its lines are never changed by an import', async () => {
    const incoming = document.actionStatuses.find((s) => s.status !== null && s.periodCode === document.periods.find((p) => p.state === 'open')!.code)!;
    const qrrId = b.db.prepare('SELECT id FROM qrr WHERE name = ?').pluck().get(document.qrrs.find((q) => q.key === incoming.qrrKey)!.name) as number;
    const other = ACTION_STATUSES.find((s) => s !== incoming.status)!;
    saveActionStatuses(ctxB, incoming.periodCode, [{ qrrId, actionCode: incoming.actionCode, status: other }]);
    transmitPeriod(ctxB, incoming.periodCode);

    const preview = previewImport(ctxB, document);
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
