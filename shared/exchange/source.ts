/** What the imported file was, shown above the preview. */
export interface ExchangeSourceInfo {
  readonly kind: 'qrr' | 'pdf' | 'xlsx';
  /** The file's format version when older than the current one (read through the migration). */
  readonly migratedFrom?: number;
  /** Report PDFs: whether it is signed, by whom, and whether that certificate is trusted here. */
  readonly signed?: boolean;
  readonly trusted?: boolean;
  readonly signer?: string;
  readonly signingTime?: string;
  /**
   * French: why the data's origin is not guaranteed (unsigned report, untrusted
   * certificate). The import is applied only once the user accepted it.
   */
  readonly warning?: string;
}

export const UNVERIFIED_NOT_ACCEPTED =
  "L'origine de ces données n'est pas garantie (voir l'avertissement) : cochez « J'ai vérifié l'origine de ce fichier » pour les importer.";
