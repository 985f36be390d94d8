import { searchAudit } from './audit';
import { readDb } from './db/query';
import { selectSchemaVersion } from './db/tables/sqlite-schema';
import { DEPARTEMENTS } from './geography';
import type { HandlerEnv, HandlersOf } from './ipc/handler-kit';
import { readReferential } from './referential';
import { getSettings, requireDepartementCode, saveSettings } from './settings';

/** The application itself: its information, the département set up, the référentiel, the demonstration and the journal. */
export function createSettingsHandlers({ ctx, geography, info, folders, installDemo }: HandlerEnv): HandlersOf<
  'getAppInfo' | 'listDepartements' | 'listCommunes' | 'getSettings' | 'saveSettings' | 'getReferential' | 'installDemo' | 'listAudit'
> {
  return {
    getAppInfo: () => ({
      ...info,
      reportsDir: folders.reports,
      exportsDir: folders.exports,
      trustedRootsDir: folders.trustedRoots,
      schemaVersion: readDb(ctx).get(selectSchemaVersion)!,
    }),
    listDepartements: () => DEPARTEMENTS,
    listCommunes: () => geography.communesOf(requireDepartementCode(ctx)),
    getSettings: () => getSettings(ctx),
    saveSettings: (request) => saveSettings(ctx, request),
    getReferential: () => readReferential(ctx.db),
    installDemo: (_request, call) => installDemo(call),
    listAudit: (query) => searchAudit(ctx.db, query),
  };
}
