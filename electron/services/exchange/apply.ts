import type { Meteo, Trend, ActionStatus } from '../../../shared/domain/types';
import type { ExchangeLine, ExchangePreview } from '../../../shared/exchange/diff';
import type { ExchangeDocument } from '../../../shared/exchange/format';
import type { ExchangeSourceInfo } from '../../../shared/exchange/source';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';
import {
  saveActionStatuses,
  saveAssessment,
  saveIndicatorValues,
  valueEntityId,
  type ActionStatusChange,
  type IndicatorValueChange,
} from '../followup';
import type { Geography } from '../geography';
import { writeKeyed, type KeyedTable } from '../keyed-record';
import { openPeriod, transmitPeriod } from '../periods';
import { createQrrService } from '../qrr';
import { applyFipdLines, type FipdApplied } from './apply-fipd';
import { previewImport } from './preview';

/*
 * Applying an import: a backup first, then ONE transaction that writes the new
 * cells and the conflicts resolved « take theirs » through the services' own
 * write paths (validation, audit), with the origin `import:<file name>`.
 * Identical and locked cells (transmitted period, archived QRR) are never
 * written. Any failure rolls everything back.
 */

export type Choice = 'mine' | 'theirs';

export interface ImportDecisions {
  /** For conflicts without a per-line choice. New cells are taken unless a line says 'mine'. */
  readonly defaultChoice: Choice;
  /** By line key (ExchangeLine.key). */
  readonly perLine?: Readonly<Record<string, Choice>>;
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

export interface ImportSummary {
  readonly applied: { readonly new: number; readonly theirs: number };
  readonly keptMine: number;
  readonly identical: number;
  readonly locked: number;
  readonly qrrsCreated: number;
  readonly periodsOpened: number;
  /** Periods created by the import as transmitted, as they are in the file (a transmitted quarter stays locked). */
  readonly periodsTransmitted: number;
  readonly fipd: FipdApplied;
  readonly backupFile: string;
  /** French, for the user. */
  readonly message: string;
}

/** The assessment comment's author and date, as the sender signed them (saveAssessment would sign with the importer's name). */
type Signature = { commentAuthor: string; commentDate: string | null };
const SIGNATURE: KeyedTable<Signature> = {
  table: 'assessment',
  entity: 'assessment',
  columns: { commentAuthor: 'comment_author', commentDate: 'comment_date' },
  empty: { commentAuthor: '', commentDate: null },
};

export function chosenLines(preview: ExchangePreview, decisions: ImportDecisions): { take: ExchangeLine[]; keptMine: number } {
  const take: ExchangeLine[] = [];
  let keptMine = 0;
  for (const line of preview.lines) {
    if (line.kind === 'identical' || line.kind === 'locked') continue;
    const choice = decisions.perLine?.[line.key] ?? (line.kind === 'conflict' ? decisions.defaultChoice : 'theirs');
    if (choice === 'theirs') take.push(line);
    else keptMine++;
  }
  return { take, keptMine };
}

const plural = (n: number, one: string, many: string): string => `${n} ${n > 1 ? many : one}`;

export async function applyImport(
  ctx: ServiceContext,
  document: ExchangeDocument,
  decisions: ImportDecisions,
  options: ImportOptions,
): Promise<ImportSummary> {
  // Refusals (another département, unknown codes…) come before the backup: nothing at all happens.
  previewImport(ctx, document);
  const backupFile = await options.backup();
  const importCtx: ServiceContext = { ...ctx, origin: `import:${options.fileName}` };
  const qrrService = createQrrService(options.geography);

  return ctx.db.transaction((): ImportSummary => {
    // Computed again inside the transaction: the database may have changed during the backup.
    const preview = previewImport(importCtx, document);
    const { take, keptMine } = chosenLines(preview, decisions);

    // Missing QRRs and periods.
    const qrrIds = new Map<string, number>();
    let qrrsCreated = 0;
    for (const q of preview.qrrs) {
      if (q.localId !== null) {
        qrrIds.set(q.key, q.localId);
        continue;
      }
      const incoming = document.qrrs.find((d) => d.key === q.key)!;
      const created = qrrService.create(importCtx, {
        name: incoming.name,
        communes: incoming.communes,
        qpvCodes: incoming.qpvCodes,
        securityZone: incoming.securityZone,
        wave: incoming.wave,
        deleguePrefet: '',
        referents: '',
        population: incoming.population,
        notes: '',
      });
      qrrIds.set(q.key, created.id);
      qrrsCreated++;
    }
    let periodsOpened = 0;
    for (const p of preview.periods) {
      if (p.localState !== null) continue;
      openPeriod(importCtx, p.code);
      periodsOpened++;
    }

    // One change per row, carrying only the fields taken.
    const rows = new Map<string, { line: ExchangeLine; qrrId: number; fields: Record<string, unknown> }>();
    const followupTaken = take.filter((l) => l.table === 'indicator_value' || l.table === 'action_status' || l.table === 'assessment');
    for (const line of followupTaken) {
      const id = `${line.table}|${line.periodCode}|${line.qrrKey}|${line.code}`;
      const row = rows.get(id) ?? { line, qrrId: qrrIds.get(line.qrrKey)!, fields: {} };
      row.fields[line.field] = line.theirs.value;
      rows.set(id, row);
    }
    const periods = [...new Set([...rows.values()].map((r) => r.line.periodCode))].sort();
    for (const period of periods) {
      const inPeriod = [...rows.values()].filter((r) => r.line.periodCode === period);
      const values: IndicatorValueChange[] = inPeriod
        .filter((r) => r.line.table === 'indicator_value')
        .map((r) => ({ qrrId: r.qrrId, indicatorCode: r.line.code, ...r.fields }));
      if (values.length > 0) saveIndicatorValues(importCtx, period, values);
      const statuses: ActionStatusChange[] = inPeriod
        .filter((r) => r.line.table === 'action_status')
        .map((r) => ({ qrrId: r.qrrId, actionCode: r.line.code, ...(r.fields as { status?: ActionStatus; comment?: string; referent?: string }) }));
      if (statuses.length > 0) saveActionStatuses(importCtx, period, statuses);
      for (const r of inPeriod.filter((x) => x.line.table === 'assessment')) {
        const fields = r.fields as { meteo?: Meteo; trend?: Trend; comment?: string };
        saveAssessment(importCtx, period, { qrrId: r.qrrId, engagementCode: r.line.code, ...fields });
        if (fields.comment !== undefined) {
          const incoming = document.assessments.find(
            (a) => a.qrrKey === r.line.qrrKey && a.engagementCode === r.line.code && a.periodCode === period,
          )!;
          writeKeyed(
            importCtx,
            SIGNATURE,
            {
              key: { qrr_id: r.qrrId, engagement_code: r.line.code, period_code: period },
              entityId: valueEntityId(r.qrrId, r.line.code, period),
            },
            { commentAuthor: incoming.commentAuthor || incoming.updatedBy, commentDate: incoming.commentDate ?? incoming.updatedAt },
          );
        }
      }
    }

    const fipd = applyFipdLines(importCtx, document, take, qrrIds);

    // Quarters the import created are locked as in the file when the sender transmitted them.
    let periodsTransmitted = 0;
    for (const p of preview.periods) {
      if (p.localState !== null || p.theirState !== 'transmitted') continue;
      transmitPeriod(importCtx, p.code);
      periodsTransmitted++;
    }

    const applied = {
      new: take.filter((l) => l.kind === 'new').length,
      theirs: take.filter((l) => l.kind === 'conflict').length,
    };
    const counts = { ...applied, keptMine, identical: preview.counts.identical, locked: preview.counts.locked, qrrsCreated, periodsOpened, periodsTransmitted, fipd };
    if (take.length > 0 || qrrsCreated > 0 || periodsOpened > 0) {
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
      qrrsCreated,
      periodsOpened,
      periodsTransmitted,
      fipd,
      backupFile,
      message: `Import de « ${options.fileName} » terminé : ${parts.join(', ')}.`,
    };
  })();
}
