/**
 * What every domain's handlers are written against: the handler types, the
 * dependencies the app core (or the CLI) provides, and what several domains
 * share (folders, trusted roots, time-stamp settings). Each domain declares its
 * handlers beside its services (qrr-handlers.ts, fipd/handlers.ts,
 * exchange/handlers.ts…); ipc/handlers.ts composes them. Types only flow from
 * here: nothing here imports a domain's handlers or the app core.
 */
import path from 'node:path';
import type { AppInfo, BackupInfo, DemoSummaryDto } from '../../../shared/domain/types';
import type { ChannelName, ParsedRequestOf, ResponseOf } from '../../../shared/ipc/contract';
import type { ServiceContext } from '../context';
import type { CallContext } from './call-context';
import type { BackupReason } from '../db/backup';
import type { Geography } from '../geography';
import { dataFolders } from '../paths';
import type { TransferService } from '../transfer/service';
import { createTrustStore } from '../trust';
import { createTsaSettings } from '../tsa-settings';

/** `call` says where to report progress and whether the caller asked to stop (long requests only use it). */
export type Handler<C extends ChannelName> = (request: ParsedRequestOf<C>, call: CallContext) => ResponseOf<C> | Promise<ResponseOf<C>>;
export type Handlers = { readonly [C in ChannelName]: Handler<C> };
/** The handlers of some channels: what one domain contributes. */
export type HandlersOf<C extends ChannelName> = { readonly [K in C]: Handler<K> };

/** Backups the application makes and manages (start-up, before migrations, imports, restores). */
export interface BackupService {
  list(): BackupInfo[];
  backupNow(reason: BackupReason): Promise<BackupInfo>;
  restore(name: string): Promise<{ restoredFrom: string; safetyBackup: string | null }>;
}

export interface HandlerDeps {
  readonly ctx: ServiceContext;
  readonly geography: Geography;
  readonly backups: BackupService;
  /** Fills an empty database with the demonstration (needs the dispatcher, so the app core provides it). */
  readonly installDemo: (call?: CallContext) => Promise<DemoSummaryDto>;

  readonly info: Omit<AppInfo, 'schemaVersion' | 'reportsDir' | 'exportsDir' | 'trustedRootsDir'>;
  /** « Exporter tout / Restaurer » (needs the app core, which can replace the database). Absent (CLI): refused. */
  readonly transfer?: TransferService;
  /**
   * Files main was asked to open (electron/services/desktop/open-file.ts); the renderer
   * takes them one by one. Absent (CLI): nothing is ever waiting.
   */
  readonly openedFiles?: { take(): string | null };
  /** Per-user signing preferences file (default: beside the database). */
  readonly preferencesFile?: string;
}

/** The dependencies, plus what several domains share: made once per session by createHandlers. */
export interface HandlerEnv extends HandlerDeps {
  /** The folder of the database. */
  readonly dataDir: string;
  readonly folders: ReturnType<typeof dataFolders>;
  readonly trust: ReturnType<typeof createTrustStore>;
  readonly tsa: ReturnType<typeof createTsaSettings>;
}

export function handlerEnv(deps: HandlerDeps): HandlerEnv {
  const dataDir = path.dirname(deps.info.databasePath);
  const folders = dataFolders(deps.info.databasePath);
  return { ...deps, dataDir, folders, trust: createTrustStore(folders.trustedRoots), tsa: createTsaSettings(dataDir) };
}

/** The audit origin of a UI write says how it came about: `ui:collage`, `ui:annulation`… */
export const withVia = (ctx: ServiceContext, via: string | undefined): ServiceContext => (via ? { ...ctx, origin: `${ctx.origin}:${via}` } : ctx);
