import type { ExchangePreview } from '../../../shared/exchange/diff';
import type { ExchangeDocument } from '../../../shared/exchange/format';
import type { ExchangeSourceInfo } from '../../../shared/exchange/source';
import type { ImportSummaryDto } from '../../../shared/ipc/contract';
import { DomainError } from '../../../shared/ipc/result';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';
import type { Geography } from '../geography';
import { chosen, chosenLines, diffPreview, previewImport, type Choice, type LineChoices } from './preview';
import { boundHeap } from './heap-guard';
import { writeImport } from './write-import';
import { prepared } from '../db/statement-cache';

/*
 * Applying an import: a backup first, then ONE transaction that writes the new
 * cells and the conflicts resolved « take theirs » through the services' own
 * write paths (validation, audit), with the origin `import:<file name>`.
 * Identical and locked cells (transmitted period, archived QRR) are never
 * written. Cells the application refuses (see write-import.ts) refuse the
 * whole file before the backup, unless the user chose to leave them out
 * (`skipRefused`). Any other failure rolls everything back.
 */

export type { Choice };

export interface ImportDecisions extends LineChoices {
  /** Import the rest when some cells are refused (explicit choice); otherwise such a file is refused whole. */
  readonly skipRefused?: boolean;
}

export interface ImportOptions {
  /** Takes the « avant-import » backup; returns its path. */
  readonly backup: () => Promise<string>;
  readonly fileName: string;
  /** SHA-256 of the file (recorded in the audit trail). */
  readonly hash: string;
  /** To validate the communes of the QRRs created by the import. */
  readonly geography: Geography;
  /** What the file was (report PDF: signed, signer, trusted; warning accepted), for the audit trail. */
  readonly provenance?: ExchangeSourceInfo;
}

/** What an import did: the one type the IPC contract also answers with. */
export type ImportSummary = ImportSummaryDto;

const plural = (n: number, one: string, many: string): string => `${n} ${n > 1 ? many : one}`;

function refusedError(count: number, first: string): DomainError {
  return new DomainError(
    'VALIDATION',
    `${plural(count, 'donnée du fichier est refusée', 'données du fichier sont refusées')} par l'application ; rien n'a été importé. ` +
      `Première raison : ${first} Pour importer le reste : « Importer sans les données refusées » (ligne de commande : --skip-refused).`,
  );
}

/** A preview with refused cells the user would take refuses the whole import, unless they chose to leave them out. */
function refuseRefused(preview: ExchangePreview, decisions: ImportDecisions): void {
  if (decisions.skipRefused === true) return;
  const refused = refusedTaken(preview, decisions);
  if (refused.length > 0) throw refusedError(refused.length, preview.lines.refusedReasonAt(refused[0]!) ?? '');
}

/** The refused lines the user would take. */
function refusedTaken(preview: ExchangePreview, decisions: ImportDecisions): number[] {
  const refused: number[] = [];
  for (let i = 0; i < preview.lines.length; i++) {
    if (preview.lines.kindAt(i) === 'refused' && chosen(preview, i, decisions) === 'theirs') refused.push(i);
  }
  return refused;
}

/**
 * Changes since: `data_version` moves when another connection commits, `total_changes()` when this
 * one writes (rolled back or not).
 */
function changeStamp(ctx: ServiceContext): string {
  const version = prepared(ctx.db, 'PRAGMA data_version', { pluck: true }).get() as number;
  const changes = prepared(ctx.db, 'SELECT total_changes()', { pluck: true }).get() as number;
  return `${version}|${changes}`;
}

export async function applyImport(
  ctx: ServiceContext,
  document: ExchangeDocument,
  decisions: ImportDecisions,
  options: ImportOptions,
): Promise<ImportSummary> {
  const importCtx: ServiceContext = { ...ctx, origin: `import:${options.fileName}` };
  // Refusals (another département, unknown codes, cells the application refuses…) come before the backup: nothing at all happens.
  const checked = previewImport(importCtx, document, options.geography, decisions);
  refuseRefused(checked, decisions);
  const before = changeStamp(ctx);
  const backupFile = await options.backup();

  return ctx.db.transaction((): ImportSummary => {
    // The database may have changed during the backup: then the diff is computed again inside the
    // transaction. Unchanged (no commit by another connection, no write by this one), the check's diff
    // is the same one — unless lines were marked refused in it (the user left them out): computed again.
    const preview = checked.counts.refused === 0 && changeStamp(ctx) === before ? checked : diffPreview(importCtx, document);
    boundHeap();
    const { take, keptMine } = chosenLines(preview, decisions);
    const written = writeImport(importCtx, document, preview, take, options.geography);
    const refused = refusedTaken(preview, decisions).length + written.refused.size;
    if (written.refused.size > 0 && decisions.skipRefused !== true) {
      // The database changed between the check and the backup: the same refusal, now rolled back.
      throw refusedError(written.refused.size, [...written.refused.values()][0]!);
    }
    const { qrrsCreated, periodsOpened, periodsTransmitted, fipd } = written;
    const applied = { new: 0, theirs: 0 };
    for (const i of take) {
      if (written.refused.size > 0 && written.refused.has(preview.lines.keyAt(i))) continue;
      if (preview.lines.kindAt(i) === 'new') applied.new++;
      else applied.theirs++;
    }
    const counts = { ...applied, keptMine, identical: preview.counts.identical, locked: preview.counts.locked, refused, qrrsCreated, periodsOpened, periodsTransmitted, fipd };
    if (applied.new + applied.theirs > 0 || qrrsCreated > 0 || periodsOpened > 0) {
      recordAudit(importCtx, [
        {
          entity: 'exchange_import',
          entityId: options.hash,
          action: 'create',
          newValue: {
            fileName: options.fileName,
            hash: options.hash,
            sender: document.sender,
            departement: document.departement,
            exportedAt: document.exportedAt,
            ...(options.provenance ? { source: options.provenance } : {}),
            backupFile,
            counts,
          },
        },
      ]);
    }
    const parts = [
      plural(applied.new, 'nouvelle donnée ajoutée', 'nouvelles données ajoutées'),
      plural(applied.theirs, 'conflit résolu avec la valeur reçue', 'conflits résolus avec la valeur reçue'),
      plural(keptMine, 'valeur conservée', 'valeurs conservées'),
      plural(preview.counts.identical, 'donnée identique', 'données identiques'),
      plural(preview.counts.locked, 'donnée non modifiée (période transmise, quartier archivé ou 05-02 calculé ici)', 'données non modifiées (période transmise, quartier archivé ou 05-02 calculé ici)'),
    ];
    if (refused > 0) parts.push(plural(refused, 'donnée refusée laissée de côté', 'données refusées laissées de côté'));
    if (fipd.subsidiesCreated > 0) parts.push(plural(fipd.subsidiesCreated, 'subvention ajoutée', 'subventions ajoutées'));
    if (fipd.subsidiesUpdated > 0) parts.push(plural(fipd.subsidiesUpdated, 'subvention mise à jour', 'subventions mises à jour'));
    if (fipd.payments > 0) parts.push(plural(fipd.payments, 'versement ajouté', 'versements ajoutés'));
    if (fipd.envelopes > 0) parts.push(plural(fipd.envelopes, 'enveloppe mise à jour', 'enveloppes mises à jour'));
    if (qrrsCreated > 0) parts.push(plural(qrrsCreated, 'quartier créé', 'quartiers créés'));
    if (periodsOpened > 0) parts.push(plural(periodsOpened, 'période ouverte', 'périodes ouvertes'));
    if (periodsTransmitted > 0) parts.push(plural(periodsTransmitted, 'période marquée transmise comme dans le fichier', 'périodes marquées transmises comme dans le fichier'));
    return {
      applied,
      keptMine,
      identical: preview.counts.identical,
      locked: preview.counts.locked,
      refused,
      qrrsCreated,
      periodsOpened,
      periodsTransmitted,
      fipd,
      backupFile,
      message: `Import de « ${options.fileName} » terminé : ${parts.join(', ')}.`,
    };
  }).immediate();
}
