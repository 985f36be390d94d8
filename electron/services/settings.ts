import type { Settings } from '../../shared/domain/types';
import { prefetTitle } from '../../shared/domain/departement';
import { DomainError } from '../../shared/ipc/result';
import { diffFields, recordAudit } from './audit';
import { isoNow, type ServiceContext } from './context';
import { findDepartement } from './geography';

interface SettingsRow {
  departementCode: string;
  prefetName: string;
  coordinatorName: string;
  updatedAt: string;
}

const SELECT = `SELECT departement_code AS departementCode, prefet_name AS prefetName,
  coordinator_name AS coordinatorName, updated_at AS updatedAt FROM settings WHERE id = 1`;

const toSettings = (row: SettingsRow): Settings => {
  const departement = findDepartement(row.departementCode);
  return {
    ...row,
    departementNom: departement?.nom ?? row.departementCode,
    prefetTitle: departement ? prefetTitle(departement) : `Préfet (${row.departementCode})`,
  };
};

export function getSettings(ctx: ServiceContext): Settings | null {
  const row = ctx.db.prepare(SELECT).get() as SettingsRow | undefined;
  return row ? toSettings(row) : null;
}

/** The configured département, or a French refusal for requests that need one. */
export function requireDepartementCode(ctx: ServiceContext): string {
  const settings = getSettings(ctx);
  if (!settings) {
    throw new DomainError('NOT_CONFIGURED', "Choisissez d'abord le département dans les paramètres.");
  }
  return settings.departementCode;
}

export function saveSettings(
  ctx: ServiceContext,
  input: { departementCode: string; prefetName: string; coordinatorName: string },
): Settings {
  if (!findDepartement(input.departementCode)) {
    throw new DomainError('VALIDATION', `Le département « ${input.departementCode} » n'existe pas.`, [
      { path: 'departementCode', message: "Ce département n'existe pas." },
    ]);
  }
  return ctx.db.transaction(() => {
    const before = ctx.db.prepare(SELECT).get() as SettingsRow | undefined;
    if (before && before.departementCode !== input.departementCode) {
      const count = (ctx.db.prepare('SELECT count(*) AS n FROM qrr').get() as { n: number }).n;
      if (count > 0) {
        throw new DomainError(
          'CONFLICT',
          'Le département ne peut plus être changé : des quartiers y sont déjà enregistrés. ' +
            'Utilisez une autre base de données pour un autre département.',
          [{ path: 'departementCode', message: 'Département verrouillé.' }],
        );
      }
    }
    const after: SettingsRow = { ...input, updatedAt: isoNow(ctx) };
    ctx.db
      .prepare(
        `INSERT INTO settings (id, departement_code, prefet_name, coordinator_name, updated_at)
         VALUES (1, @departementCode, @prefetName, @coordinatorName, @updatedAt)
         ON CONFLICT (id) DO UPDATE SET departement_code = excluded.departement_code,
           prefet_name = excluded.prefet_name, coordinator_name = excluded.coordinator_name,
           updated_at = excluded.updated_at`,
      )
      .run(after);
    const fields = ['departementCode', 'prefetName', 'coordinatorName'] as const;
    recordAudit(
      ctx,
      before
        ? diffFields('settings', 1, before, after, fields)
        : [{ entity: 'settings', entityId: 1, action: 'create', newValue: input }],
    );
    return toSettings(after);
  }).immediate();
}
