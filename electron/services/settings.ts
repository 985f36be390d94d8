import type { Settings } from '../../shared/domain/types';
import { prefetTitle } from '../../shared/domain/departement';
import { DomainError } from '../../shared/ipc/result';
import { diffFields, recordAudit } from './audit';
import { isoNow, type ServiceContext } from './context';
import { readDb, writeTransaction } from './db/query';
import { countQrrs } from './db/tables/qrr';
import { selectSettings, upsertSettings, type SettingsRow } from './db/tables/settings';
import { findDepartement } from './geography';

const toSettings = (row: SettingsRow): Settings => {
  const departement = findDepartement(row.departementCode);
  return {
    ...row,
    departementNom: departement?.nom ?? row.departementCode,
    prefetTitle: departement ? prefetTitle(departement) : `Préfet (${row.departementCode})`,
  };
};

export function getSettings(ctx: ServiceContext): Settings | null {
  const row = readDb(ctx).get(selectSettings);
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
  return writeTransaction(ctx, (db) => {
    const before = db.get(selectSettings);
    if (before && before.departementCode !== input.departementCode) {
      if (db.get(countQrrs)! > 0) {
        throw new DomainError(
          'CONFLICT',
          'Le département ne peut plus être changé : des quartiers y sont déjà enregistrés. ' +
            'Utilisez une autre base de données pour un autre département.',
          [{ path: 'departementCode', message: 'Département verrouillé.' }],
        );
      }
    }
    const after: SettingsRow = { ...input, updatedAt: isoNow(ctx) };
    db.run(upsertSettings, after);
    const fields = ['departementCode', 'prefetName', 'coordinatorName'] as const;
    recordAudit(
      ctx,
      before
        ? diffFields('settings', 1, before, after, fields)
        : [{ entity: 'settings', entityId: 1, action: 'create', newValue: input }],
    );
    return toSettings(after);
  });
}
