/**
 * « Exporter tout / Restaurer »: moving the whole data folder to another
 * workstation as one archive. What main, the IPC contract and the screens
 * share: the limits (so the screen can refuse a file before reading it) and
 * the shapes of the answers.
 */

/** `qrr-transfert-93-2026-11-26.qrrsauv` */
export const TRANSFER_EXTENSION = '.qrrsauv';

/**
 * The largest archive a restore accepts. The archive crosses the IPC bridge
 * as base64 in one request, so it must stay well below what a renderer can
 * hold; the export refuses to write a larger one, which could not be restored.
 */
export const TRANSFER_MAX_ARCHIVE_BYTES = 200 * 1024 * 1024;

export const TRANSFER_TOO_LARGE_MESSAGE =
  "L'archive dépasse 200 Mo : elle ne peut pas être restaurée depuis l'application. " +
  "Demandez à votre service informatique de copier le dossier des données (voir le guide d'installation).";

export interface TransferExportDto {
  /** Absolute path of the archive written in the « exports » folder. */
  readonly path: string;
  readonly fileName: string;
  /** Size of the archive. */
  readonly bytes: number;
  /** Files in the archive: the database and every report, export and trusted root. */
  readonly files: number;
  /** Files left out because their name could not be recreated safely on another workstation. */
  readonly skipped: readonly string[];
}

export interface TransferRestoreDto {
  /** French summary, fit to show as is. */
  readonly message: string;
  readonly departement: { readonly code: string; readonly nom: string } | null;
  /** When and by whom the archive was made. */
  readonly createdAt: string;
  readonly createdBy: string;
  readonly qrrCount: number;
  /** Backup of the database as it was just before the restore (in the backups folder). */
  readonly safetyBackup: string | null;
  readonly files: {
    /** Written where they were on the other workstation. */
    readonly written: number;
    /** Already here with the same content: left as they are. */
    readonly identical: number;
    /** A different file had the same name here: it was kept, the incoming one written under another name. */
    readonly renamed: readonly { readonly from: string; readonly to: string }[];
    /** Could not be written (disk full, permissions…); the database itself is restored. */
    readonly failed: readonly string[];
  };
  /**
   * Trusted roots found in the archive. Never added by the restore: whoever
   * made the archive chose them, and a root makes every report it signs
   * « trusted ». Each needs its own explicit confirmation (addTrustedRoot);
   * the screen lists them with their SHA-256 fingerprint, unchecked.
   */
  readonly offeredRoots: readonly TransferOfferedRoot[];
}

export interface TransferOfferedRoot {
  /** SHA-256 of the certificate, hex (lower case), to compare with the one given by the issuer. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly validTo: string;
  /** The certificate (DER or PEM bytes), to confirm with addTrustedRoot. */
  readonly certificateBase64: string;
  /** Already in this workstation's trust store. */
  readonly alreadyTrusted: boolean;
}
