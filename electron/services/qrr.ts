import { normaliseQrrName } from '../../shared/domain/qrr';
import type { Qrr } from '../../shared/domain/types';
import { DomainError } from '../../shared/ipc/result';
import { diffFields, recordAudit } from './audit';
import { isoNow, type ServiceContext } from './context';
import type { Geography } from './geography';
import { requireDepartementCode } from './settings';

interface QrrRow {
  id: number;
  name: string;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const SELECT_QRR = `SELECT id, name, archived_at AS archivedAt, created_at AS createdAt, updated_at AS updatedAt FROM qrr`;

export interface QrrInput {
  readonly name: string;
  readonly communes: readonly string[];
}

export function createQrrService(geography: Geography) {
  const communeNames = (ctx: ServiceContext): Map<string, string> =>
    new Map(geography.communesOf(requireDepartementCode(ctx)).map((c) => [c.code, c.nom]));

  const hydrate = (ctx: ServiceContext, rows: QrrRow[]): Qrr[] => {
    if (rows.length === 0) return [];
    const names = communeNames(ctx);
    const communes = ctx.db.prepare('SELECT insee_code AS code FROM qrr_commune WHERE qrr_id = ? ORDER BY insee_code');
    return rows.map((row) => ({
      ...row,
      communes: (communes.all(row.id) as { code: string }[]).map(({ code }) => ({
        code,
        nom: names.get(code) ?? code,
      })),
    }));
  };

  const get = (ctx: ServiceContext, id: number): Qrr => {
    const row = ctx.db.prepare(`${SELECT_QRR} WHERE id = ?`).get(id) as QrrRow | undefined;
    if (!row) throw new DomainError('NOT_FOUND', "Ce quartier n'existe pas (il a peut-être été supprimé entre-temps).");
    return hydrate(ctx, [row])[0]!;
  };

  /** Name free (ignoring case), communes in the configured département, no duplicates. */
  const validate = (ctx: ServiceContext, input: QrrInput, selfId: number | null): { name: string; communes: string[] } => {
    const name = normaliseQrrName(input.name);
    const clash = ctx.db
      .prepare('SELECT id FROM qrr WHERE name = ? COLLATE NOCASE AND id IS NOT ?')
      .get(name, selfId) as { id: number } | undefined;
    if (clash) {
      throw new DomainError('CONFLICT', `Un quartier nommé « ${name} » existe déjà (éventuellement archivé).`, [
        { path: 'name', message: 'Ce nom est déjà utilisé.' },
      ]);
    }
    const names = communeNames(ctx);
    const communes = [...new Set(input.communes)].sort();
    const unknown = communes.filter((code) => !names.has(code));
    if (unknown.length > 0) {
      throw new DomainError(
        'VALIDATION',
        `Commune inconnue dans le département : ${unknown.join(', ')}. Choisissez les communes dans la liste.`,
        unknown.map((code) => ({ path: 'communes', message: `Commune ${code} hors du département.` })),
      );
    }
    return { name, communes };
  };

  const replaceCommunes = (ctx: ServiceContext, id: number, communes: readonly string[]): void => {
    ctx.db.prepare('DELETE FROM qrr_commune WHERE qrr_id = ?').run(id);
    const insert = ctx.db.prepare('INSERT INTO qrr_commune (qrr_id, insee_code) VALUES (?, ?)');
    for (const code of communes) insert.run(id, code);
  };

  const setArchived = (ctx: ServiceContext, id: number, archived: boolean): Qrr =>
    ctx.db.transaction(() => {
      const before = get(ctx, id);
      if ((before.archivedAt !== null) === archived) return before;
      const at = isoNow(ctx);
      ctx.db
        .prepare('UPDATE qrr SET archived_at = ?, updated_at = ? WHERE id = ?')
        .run(archived ? at : null, at, id);
      recordAudit(ctx, [
        { entity: 'qrr', entityId: id, action: archived ? 'archive' : 'restore', field: 'archivedAt', oldValue: before.archivedAt, newValue: archived ? at : null },
      ]);
      return get(ctx, id);
    })();

  return {
    list(ctx: ServiceContext, options: { includeArchived: boolean }): Qrr[] {
      const rows = ctx.db
        .prepare(`${SELECT_QRR} WHERE (? OR archived_at IS NULL) ORDER BY name COLLATE NOCASE`)
        .all(options.includeArchived ? 1 : 0) as QrrRow[];
      return hydrate(ctx, rows);
    },

    get,

    create(ctx: ServiceContext, input: QrrInput): Qrr {
      return ctx.db.transaction(() => {
        const { name, communes } = validate(ctx, input, null);
        const at = isoNow(ctx);
        const { lastInsertRowid } = ctx.db
          .prepare('INSERT INTO qrr (name, created_at, updated_at) VALUES (?, ?, ?)')
          .run(name, at, at);
        const id = Number(lastInsertRowid);
        replaceCommunes(ctx, id, communes);
        recordAudit(ctx, [{ entity: 'qrr', entityId: id, action: 'create', newValue: { name, communes } }]);
        return get(ctx, id);
      })();
    },

    update(ctx: ServiceContext, id: number, input: QrrInput): Qrr {
      return ctx.db.transaction(() => {
        const before = get(ctx, id);
        if (before.archivedAt !== null) {
          throw new DomainError('CONFLICT', `Le quartier « ${before.name} » est archivé : restaurez-le pour le modifier.`);
        }
        const { name, communes } = validate(ctx, input, id);
        const previous = { name: before.name, communes: before.communes.map((c) => c.code) };
        const next = { name, communes };
        const changes = diffFields('qrr', id, previous, next, ['name', 'communes']);
        if (changes.length === 0) return before;
        ctx.db.prepare('UPDATE qrr SET name = ?, updated_at = ? WHERE id = ?').run(name, isoNow(ctx), id);
        replaceCommunes(ctx, id, communes);
        recordAudit(ctx, changes);
        return get(ctx, id);
      })();
    },

    archive: (ctx: ServiceContext, id: number): Qrr => setArchived(ctx, id, true),
    restore: (ctx: ServiceContext, id: number): Qrr => setArchived(ctx, id, false),
  };
}

export type QrrService = ReturnType<typeof createQrrService>;
