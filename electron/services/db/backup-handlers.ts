import type { HandlerEnv, HandlersOf } from '../ipc/handler-kit';

/** The backups folder, through the app core's BackupService (which may replace the database). */
export function createBackupHandlers({ backups }: HandlerEnv): HandlersOf<'listBackups' | 'backupNow' | 'restoreBackup'> {
  return {
    listBackups: () => backups.list(),
    backupNow: () => backups.backupNow('manuelle'),
    restoreBackup: ({ name }) => backups.restore(name),
  };
}
