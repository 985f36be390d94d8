import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { TransferExportDto, TransferRestoreDto } from '../../../shared/transfer/transfer';
import type { AuditEntry } from '../audit';
import { NO_CALL, type CallContext } from '../ipc/call-context';
import { exportEverything } from './export';
import { copyTransferredFiles, currentData, offeredRoots, prepareRestore, restoreSummaryMessage } from './restore';
import { DEFAULT_TRANSFER_LIMITS, TRANSFER_FORMAT, type TransferLimits } from './rules';

/** « Exporter tout / Restaurer », as the IPC handlers see it. */
export interface TransferService {
  exportEverything(call?: CallContext): Promise<TransferExportDto>;
  restoreEverything(
    archive: Uint8Array,
    options: { readonly confirmOtherDepartement: boolean; readonly fileName?: string | undefined },
    call?: CallContext,
  ): Promise<TransferRestoreDto>;
}

export interface TransferDeps {
  readonly dataDir: string;
  readonly appVersion: string;
  readonly osUser: string;
  readonly now: () => Date;
  readonly limits?: Partial<TransferLimits>;
  readonly nativeBinding?: string;
  /** The live connection (it changes when the database is replaced). */
  readonly db: () => Database;
  /**
   * The application's own restore path (app-core): closes the session, backs
   * up the current database (« avant-restauration »), swaps `file` in
   * atomically and reopens — migrating an older database as at start-up.
   */
  readonly swapDatabase: (file: string) => Promise<{ readonly safetyBackup: string | null }>;
  /** SHA-256 fingerprints of the roots this workstation trusts already. */
  readonly trustedFingerprints: () => readonly string[];
  /** Records entries in the audit trail of the database now open, in one transaction. */
  readonly audit: (entries: readonly AuditEntry[]) => void;
}

export function createTransferService(deps: TransferDeps): TransferService {
  const limits: TransferLimits = { ...DEFAULT_TRANSFER_LIMITS, ...deps.limits };
  const binding = deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {};
  return {
    exportEverything: (call = NO_CALL) => {
      call.progress("Constitution de l'archive complète (base, rapports, exports, certificats)…", 0, 1, false);
      return exportEverything({ db: deps.db(), dataDir: deps.dataDir, appVersion: deps.appVersion, osUser: deps.osUser, now: deps.now(), limits, ...binding });
    },

    async restoreEverything(archive, options, call = NO_CALL) {
      call.progress("Lecture et vérification de l'archive…", 0, 3, true);
      await call.checkpoint();
      // Every refusal happens here, before the database or a folder is touched.
      const prepared = prepareRestore(archive, {
        current: currentData(deps.db()),
        confirmOtherDepartement: options.confirmOtherDepartement,
        limits,
        ...binding,
      });
      try {
        // Last safe point: then the current database is backed up and replaced.
        await call.checkpoint();
        call.progress('Sauvegarde puis remplacement de la base…', 1, 3, false);
        const { safetyBackup } = await deps.swapDatabase(prepared.databaseFile);
        call.progress('Copie des rapports, exports et certificats…', 2, 3, false);
        const files = copyTransferredFiles(prepared, deps.dataDir);
        const roots = offeredRoots(prepared, new Set(deps.trustedFingerprints()));
        const { manifest } = prepared;
        const summary: Omit<TransferRestoreDto, 'message'> = {
          departement: manifest.departement,
          createdAt: manifest.createdAt,
          createdBy: manifest.osUser,
          qrrCount: prepared.inspection.qrrCount,
          safetyBackup: safetyBackup ? path.basename(safetyBackup) : null,
          files,
          offeredRoots: roots,
        };
        // After the reopen: the entry belongs to the restored database's trail.
        deps.audit([
          {
            entity: 'transfer_restore',
            entityId: prepared.sha256,
            action: 'restore',
            newValue: {
              format: TRANSFER_FORMAT,
              fileName: options.fileName ?? null,
              exportedAt: manifest.createdAt,
              exportedBy: manifest.osUser,
              exportedWith: manifest.appVersion,
              departement: manifest.departement?.code ?? null,
              schemaVersion: manifest.schemaVersion,
              files: { written: files.written, identical: files.identical, renamed: files.renamed.length, failed: files.failed.length },
              // Offered, not added: each needs its own confirmation (audited by addTrustedRoot).
              offeredRoots: roots.map((r) => r.fingerprint),
              safetyBackup: summary.safetyBackup,
            },
          },
        ]);
        return { ...summary, message: restoreSummaryMessage(summary) };
      } finally {
        prepared.dispose();
      }
    },
  };
}
