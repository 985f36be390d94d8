/** French display of the backups list (Paramètres): reasons, sizes, the restore message. */
import { formatDateTime, formatInteger } from './fr';
import { formatNumberFr, NBSP } from './number-fr';
import { EMPTY } from './journal-labels';

const BACKUP_REASON_LABELS: Readonly<Record<string, string>> = {
  demarrage: 'Au démarrage',
  'avant-migration': 'Avant migration',
  'avant-import': 'Avant import',
  'avant-restauration': 'Avant restauration',
  manuelle: 'Manuelle',
};

/** « Au démarrage » for 'demarrage'. */
export function backupReasonLabel(reason: string): string {
  return BACKUP_REASON_LABELS[reason] ?? reason;
}

/** `512 o`, `12 ko`, `1,2 Mo`, `2,5 Go` (powers of 1 024, as the Windows explorer counts), no-break space before the unit. */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return EMPTY;
  if (bytes < 1024) return `${formatInteger(bytes)}${NBSP}o`;
  const units = ['ko', 'Mo', 'Go', 'To'] as const;
  let size = bytes / 1024;
  let unit = 0;
  // Rounding to one decimal first so 1 048 575 bytes read « 1 Mo », not « 1 024 ko ».
  while (unit < units.length - 1 && Math.round(size * 10) / 10 >= 1024) {
    size /= 1024;
    unit += 1;
  }
  return `${formatNumberFr(size, size < 10 ? 1 : 0)}${NBSP}${units[unit]}`;
}

/** « Sauvegarde du 24/06/2021 14:05 restaurée. L'état précédent a été sauvegardé (nom). » */
export function restoreSuccessMessage(backupAt: string, safetyBackup: string | null): string {
  const restored = `Sauvegarde du ${formatDateTime(backupAt)} restaurée.`;
  return safetyBackup ? `${restored} L'état précédent a été sauvegardé (${safetyBackup}).` : restored;
}
