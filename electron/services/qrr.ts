import { normaliseQpvCode, qpvCodeProblem } from '../../shared/domain/qpv';
import { normaliseQrrName } from '../../shared/domain/qrr';
import type { Qrr, QrrWave, SecurityZone } from '../../shared/domain/types';
import { DomainError, type FieldIssue } from '../../shared/ipc/result';
import { diffFields, recordAudit } from './audit';
import { isoNow, type ServiceContext } from './context';
import type { Geography } from './geography';
import { getSettings, requireDepartementCode } from './settings';

interface QrrRow {
  id: number;
  name: string;
  securityZone: SecurityZone | null;
  wave: QrrWave | null;
  deleguePrefet: string;
  referents: string;
  population: number | null;
  notes: string;
  hasData: 0 | 1;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const SELECT_QRR = `SELECT id, name, security_zone AS securityZone, wave, delegue_prefet AS deleguePrefet,
  referents, population, notes, archived_at AS archivedAt, created_at AS createdAt, updated_at AS updatedAt,
  (EXISTS (SELECT 1 FROM indicator_value v WHERE v.qrr_id = qrr.id)
   OR EXISTS (SELECT 1 FROM action_status s WHERE s.qrr_id = qrr.id)
   OR EXISTS (SELECT 1 FROM assessment a WHERE a.qrr_id = qrr.id)
   OR EXISTS (SELECT 1 FROM subsidy sub WHERE sub.qrr_id = qrr.id)
   OR EXISTS (SELECT 1 FROM fipd_envelope env WHERE env.qrr_id = qrr.id)) AS hasData
  FROM qrr`;

/** Everything a QRR record holds that the user edits. */
export interface QrrFields {
  readonly name: string;
  readonly communes: readonly string[];
  readonly qpvCodes: readonly string[];
  readonly securityZone: SecurityZone | null;
  readonly wave: QrrWave | null;
  readonly deleguePrefet: string;
  readonly referents: string;
  readonly population: number | null;
  readonly notes: string;
}

const EDITABLE: readonly (keyof QrrFields)[] = [
  'name',
  'communes',
  'qpvCodes',
  'securityZone',
  'wave',
  'deleguePrefet',
  'referents',
  'population',
  'notes',
];

const byName = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

export function createQrrService(geography: Geography) {
  const communeNames = (ctx: ServiceContext): Map<string, string> => {
    const settings = getSettings(ctx);
    return new Map(settings ? geography.communesOf(settings.departementCode).map((c) => [c.code, c.nom]) : []);
  };

  const hydrate = (ctx: ServiceContext, rows: QrrRow[]): Qrr[] => {
    if (rows.length === 0) return [];
    const names = communeNames(ctx);
    const communes = ctx.db.prepare('SELECT insee_code FROM qrr_commune WHERE qrr_id = ? ORDER BY insee_code').pluck();
    const qpvs = ctx.db.prepare('SELECT qpv_code FROM qrr_qpv WHERE qrr_id = ? ORDER BY qpv_code').pluck();
    return rows.map((row) => ({
      ...row,
      hasData: row.hasData === 1,
      communes: (communes.all(row.id) as string[]).map((code) => ({ code, nom: names.get(code) ?? code })),
      qpvCodes: qpvs.all(row.id) as string[],
    }));
  };

  const get = (ctx: ServiceContext, id: number): Qrr => {
    const row = ctx.db.prepare(`${SELECT_QRR} WHERE id = ?`).get(id) as QrrRow | undefined;
    if (!row) throw new DomainError('NOT_FOUND', "Ce quartier n'existe pas (il a peut-être été supprimé entre-temps).");
    return hydrate(ctx, [row])[0]!;
  };

  const fieldsOf = (qrr: Qrr): QrrFields => ({
    name: qrr.name,
    communes: qrr.communes.map((c) => c.code),
    qpvCodes: qrr.qpvCodes,
    securityZone: qrr.securityZone,
    wave: qrr.wave,
    deleguePrefet: qrr.deleguePrefet,
    referents: qrr.referents,
    population: qrr.population,
    notes: qrr.notes,
  });

  /** Name free (ignoring case), communes and QPV in the configured département; normalised, sorted, deduplicated. */
  const validate = (ctx: ServiceContext, input: QrrFields, selfId: number | null): QrrFields => {
    const departementCode = requireDepartementCode(ctx);
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
    const qpvCodes = [...new Set(input.qpvCodes.map(normaliseQpvCode))].filter(Boolean).sort();
    const qpvIssues: FieldIssue[] = qpvCodes.flatMap((code) => {
      const problem = qpvCodeProblem(code, departementCode);
      return problem ? [{ path: 'qpvCodes', message: problem }] : [];
    });
    if (qpvIssues.length > 0) {
      throw new DomainError('VALIDATION', qpvIssues.map((i) => i.message).join(' '), qpvIssues);
    }
    return { ...input, name, communes, qpvCodes };
  };

  const writeLists = (ctx: ServiceContext, id: number, fields: QrrFields): void => {
    ctx.db.prepare('DELETE FROM qrr_commune WHERE qrr_id = ?').run(id);
    const insertCommune = ctx.db.prepare('INSERT INTO qrr_commune (qrr_id, insee_code) VALUES (?, ?)');
    for (const code of fields.communes) insertCommune.run(id, code);
    ctx.db.prepare('DELETE FROM qrr_qpv WHERE qrr_id = ?').run(id);
    const insertQpv = ctx.db.prepare('INSERT INTO qrr_qpv (qrr_id, qpv_code) VALUES (?, ?)');
    for (const code of fields.qpvCodes) insertQpv.run(id, code);
  };

  const writeRow = (ctx: ServiceContext, id: number, f: QrrFields, at: string): void => {
    ctx.db
      .prepare(
        `UPDATE qrr SET name = @name, security_zone = @securityZone, wave = @wave, delegue_prefet = @deleguePrefet,
           referents = @referents, population = @population, notes = @notes, updated_at = @at WHERE id = @id`,
      )
      .run({
        id,
        at,
        name: f.name,
        securityZone: f.securityZone,
        wave: f.wave,
        deleguePrefet: f.deleguePrefet,
        referents: f.referents,
        population: f.population,
        notes: f.notes,
      });
  };

  const setArchived = (ctx: ServiceContext, id: number, archived: boolean): Qrr =>
    ctx.db.transaction(() => {
      const before = get(ctx, id);
      if ((before.archivedAt !== null) === archived) return before;
      const at = isoNow(ctx);
      ctx.db.prepare('UPDATE qrr SET archived_at = ?, updated_at = ? WHERE id = ?').run(archived ? at : null, at, id);
      recordAudit(ctx, [
        {
          entity: 'qrr',
          entityId: id,
          action: archived ? 'archive' : 'restore',
          field: 'archivedAt',
          oldValue: before.archivedAt,
          newValue: archived ? at : null,
        },
      ]);
      return get(ctx, id);
    }).immediate();

  return {
    list(ctx: ServiceContext, options: { includeArchived: boolean }): Qrr[] {
      const rows = ctx.db
        .prepare(`${SELECT_QRR} WHERE (? OR archived_at IS NULL)`)
        .all(options.includeArchived ? 1 : 0) as QrrRow[];
      // SQLite's NOCASE knows only ASCII: « Épinay » must come before « Saint-Denis ».
      return hydrate(ctx, rows.sort((a, b) => byName.compare(a.name, b.name)));
    },

    get,

    create(ctx: ServiceContext, input: QrrFields): Qrr {
      return ctx.db.transaction(() => {
        const fields = validate(ctx, input, null);
        const at = isoNow(ctx);
        const { lastInsertRowid } = ctx.db
          .prepare('INSERT INTO qrr (name, created_at, updated_at) VALUES (?, ?, ?)')
          .run(fields.name, at, at);
        const id = Number(lastInsertRowid);
        writeRow(ctx, id, fields, at);
        writeLists(ctx, id, fields);
        recordAudit(ctx, [{ entity: 'qrr', entityId: id, action: 'create', newValue: fields }]);
        return get(ctx, id);
      }).immediate();
    },

    /** Changes only the fields given; each changed field gets its audit entry. */
    update(ctx: ServiceContext, id: number, patch: Partial<QrrFields>): Qrr {
      return ctx.db.transaction(() => {
        const before = get(ctx, id);
        if (before.archivedAt !== null) {
          throw new DomainError('CONFLICT', `Le quartier « ${before.name} » est archivé : restaurez-le pour le modifier.`);
        }
        const previous = fieldsOf(before);
        const next = validate(ctx, { ...previous, ...patch }, id);
        const changes = diffFields('qrr', id, previous, next, EDITABLE);
        if (changes.length === 0) return before;
        writeRow(ctx, id, next, isoNow(ctx));
        writeLists(ctx, id, next);
        recordAudit(ctx, changes);
        return get(ctx, id);
      }).immediate();
    },

    /** A QRR created by mistake goes; one holding data is archived instead. */
    remove(ctx: ServiceContext, id: number): { deleted: number } {
      return ctx.db.transaction(() => {
        const before = get(ctx, id);
        if (before.hasData) {
          throw new DomainError(
            'CONFLICT',
            `Le quartier « ${before.name} » contient des données saisies : archivez-le plutôt que de le supprimer.`,
          );
        }
        ctx.db.prepare('DELETE FROM qrr WHERE id = ?').run(id);
        recordAudit(ctx, [{ entity: 'qrr', entityId: id, action: 'delete', oldValue: fieldsOf(before) }]);
        return { deleted: id };
      }).immediate();
    },

    archive: (ctx: ServiceContext, id: number): Qrr => setArchived(ctx, id, true),
    restore: (ctx: ServiceContext, id: number): Qrr => setArchived(ctx, id, false),
  };
}

export type QrrService = ReturnType<typeof createQrrService>;
