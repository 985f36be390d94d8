import { normaliseQpvCode, qpvCodeProblem } from '../../shared/domain/qpv';
import { normaliseQrrName } from '../../shared/domain/qrr';
import type { Qrr, QrrWave, SecurityZone } from '../../shared/domain/types';
import { DomainError, type FieldIssue } from '../../shared/ipc/result';
import { diffFields, recordAudit } from './audit';
import { isoNow, type ServiceContext } from './context';
import { readDb, writeTransaction, type ReadonlyDb, type WritableDb } from './db/query';
import {
  deleteQrr,
  fromRow,
  insertQrr,
  selectQrr,
  selectQrrNameClash,
  selectQrrs,
  updateQrrArchived,
  updateQrrFields,
  type QrrRow,
} from './db/tables/qrr';
import { deleteCommunesOf, insertCommune, selectCommuneCodes } from './db/tables/qrr-commune';
import { deleteQpvsOf, insertQpv, selectQpvCodes } from './db/tables/qrr-qpv';
import type { Geography } from './geography';
import { getSettings, requireDepartementCode } from './settings';

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

  const hydrate = (ctx: ServiceContext, db: ReadonlyDb, rows: QrrRow[]): Qrr[] => {
    if (rows.length === 0) return [];
    const names = communeNames(ctx);
    return rows.map((row) => ({
      ...fromRow(row),
      communes: db.all(selectCommuneCodes, row.id).map((code) => ({ code, nom: names.get(code) ?? code })),
      qpvCodes: db.all(selectQpvCodes, row.id),
    }));
  };

  const get = (ctx: ServiceContext, id: number): Qrr => {
    const db = readDb(ctx);
    const row = db.get(selectQrr, id);
    if (!row) throw new DomainError('NOT_FOUND', "Ce quartier n'existe pas (il a peut-être été supprimé entre-temps).");
    return hydrate(ctx, db, [row])[0]!;
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
    const clash = readDb(ctx).get(selectQrrNameClash, name, selfId);
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

  const writeLists = (db: WritableDb, id: number, fields: QrrFields): void => {
    db.run(deleteCommunesOf, id);
    for (const code of fields.communes) db.run(insertCommune, id, code);
    db.run(deleteQpvsOf, id);
    for (const code of fields.qpvCodes) db.run(insertQpv, id, code);
  };

  const writeRow = (db: WritableDb, id: number, f: QrrFields, at: string): void => {
    db.run(updateQrrFields, {
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
    writeTransaction(ctx, (db) => {
      const before = get(ctx, id);
      if ((before.archivedAt !== null) === archived) return before;
      const at = isoNow(ctx);
      db.run(updateQrrArchived, archived ? at : null, at, id);
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
    });

  return {
    list(ctx: ServiceContext, options: { includeArchived: boolean }): Qrr[] {
      const db = readDb(ctx);
      const rows = db.all(selectQrrs, options.includeArchived ? 1 : 0);
      // SQLite's NOCASE knows only ASCII: « Épinay » must come before « Saint-Denis ».
      return hydrate(ctx, db, rows.sort((a, b) => byName.compare(a.name, b.name)));
    },

    get,

    create(ctx: ServiceContext, input: QrrFields): Qrr {
      return writeTransaction(ctx, (db) => {
        const fields = validate(ctx, input, null);
        const at = isoNow(ctx);
        const id = Number(db.run(insertQrr, fields.name, at, at).lastInsertRowid);
        writeRow(db, id, fields, at);
        writeLists(db, id, fields);
        recordAudit(ctx, [{ entity: 'qrr', entityId: id, action: 'create', newValue: fields }]);
        return get(ctx, id);
      });
    },

    /** Changes only the fields given; each changed field gets its audit entry. */
    update(ctx: ServiceContext, id: number, patch: Partial<QrrFields>): Qrr {
      return writeTransaction(ctx, (db) => {
        const before = get(ctx, id);
        if (before.archivedAt !== null) {
          throw new DomainError('CONFLICT', `Le quartier « ${before.name} » est archivé : restaurez-le pour le modifier.`);
        }
        const previous = fieldsOf(before);
        const next = validate(ctx, { ...previous, ...patch }, id);
        const changes = diffFields('qrr', id, previous, next, EDITABLE);
        if (changes.length === 0) return before;
        writeRow(db, id, next, isoNow(ctx));
        writeLists(db, id, next);
        recordAudit(ctx, changes);
        return get(ctx, id);
      });
    },

    /** A QRR created by mistake goes; one holding data is archived instead. */
    remove(ctx: ServiceContext, id: number): { deleted: number } {
      return writeTransaction(ctx, (db) => {
        const before = get(ctx, id);
        if (before.hasData) {
          throw new DomainError(
            'CONFLICT',
            `Le quartier « ${before.name} » contient des données saisies : archivez-le plutôt que de le supprimer.`,
          );
        }
        db.run(deleteQrr, id);
        recordAudit(ctx, [{ entity: 'qrr', entityId: id, action: 'delete', oldValue: fieldsOf(before) }]);
        return { deleted: id };
      });
    },

    archive: (ctx: ServiceContext, id: number): Qrr => setArchived(ctx, id, true),
    restore: (ctx: ServiceContext, id: number): Qrr => setArchived(ctx, id, false),
  };
}

export type QrrService = ReturnType<typeof createQrrService>;
