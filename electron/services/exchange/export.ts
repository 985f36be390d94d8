import type { PeriodState } from '../../../shared/domain/period';
import { periodLabel } from '../../../shared/domain/period';
import type { QrrWave, SecurityZone } from '../../../shared/domain/types';
import {
  EXCHANGE_EXTENSION,
  EXCHANGE_FORMAT,
  EXCHANGE_MAX_BYTES,
  EXCHANGE_VERSION,
  qrrExchangeKey,
  sealExchangeDocument,
  writeExchangeText,
  type ExchangeDocument,
  type ExchangeEnvelope,
  type ExchangeSubsidy,
} from '../../../shared/exchange/format';
import { DomainError } from '../../../shared/ipc/result';
import { isoNow, type ServiceContext } from '../context';
import { SEED_REFERENTIAL, storedReferentialVersion } from '../referential';
import { getSettings } from '../settings';
import { writeFileAtomicStreamed } from '../atomic-write';
import { EXCHANGE_MINOR_VERSION } from '../../../shared/exchange/format-results';
import { exportResults } from './export-results';
import { nodeSha256 } from './node-hash';

/*
 * « Exporter »: the exchange document of one or more periods (or all of them).
 * Read-only; the stored rows are exported as they are (05-02 computed from the
 * FIPD credits is not exported as a value: only what was typed or frozen at
 * transmission), with the FIPD credits of the budget years of those periods.
 */

export interface ExportOptions {
  /** Periods to export; all the periods of the database when absent or empty. */
  readonly periods?: readonly string[];
  /** Who sends the file; defaults to the coordinator of the settings and the OS user. */
  readonly sender?: { readonly name: string; readonly osUser: string };
}

interface QrrRow {
  id: number;
  name: string;
  securityZone: SecurityZone | null;
  wave: QrrWave | null;
  population: number | null;
}

/** Key of every QRR of the database, as the exchange file names it. */
export function localQrrKeys(ctx: ServiceContext): Map<number, string> {
  const communes = ctx.db.prepare('SELECT insee_code FROM qrr_commune WHERE qrr_id = ? ORDER BY insee_code').pluck();
  const rows = ctx.db.prepare('SELECT id, name FROM qrr ORDER BY id').all() as { id: number; name: string }[];
  return new Map(rows.map((r) => [r.id, qrrExchangeKey(r.name, communes.all(r.id) as string[])]));
}

const unjson = (v: unknown): Record<string, number | boolean | string | null> | null => (v === null ? null : JSON.parse(v as string));

export function exportExchange(ctx: ServiceContext, options: ExportOptions = {}): ExchangeDocument {
  const settings = getSettings(ctx);
  if (!settings) throw new DomainError('NOT_CONFIGURED', "Choisissez d'abord le département dans les paramètres.");
  const allPeriods = ctx.db.prepare('SELECT code, state FROM period ORDER BY code').all() as { code: string; state: PeriodState }[];
  const wanted = options.periods && options.periods.length > 0 ? [...new Set(options.periods)].sort() : allPeriods.map((p) => p.code);
  const known = new Set(allPeriods.map((p) => p.code));
  const missing = wanted.filter((p) => !known.has(p));
  if (missing.length > 0) {
    throw new DomainError('NOT_FOUND', `Rien à exporter pour ${missing.map(periodLabel).join(', ')} : cette période n'a pas été ouverte.`);
  }
  const inScope = new Set(wanted);

  const keys = localQrrKeys(ctx);
  const communes = ctx.db.prepare('SELECT insee_code FROM qrr_commune WHERE qrr_id = ? ORDER BY insee_code').pluck();
  const qpvs = ctx.db.prepare('SELECT qpv_code FROM qrr_qpv WHERE qrr_id = ? ORDER BY qpv_code').pluck();
  const qrrs = (ctx.db.prepare('SELECT id, name, security_zone AS securityZone, wave, population FROM qrr ORDER BY id').all() as QrrRow[]).map(
    (q) => ({
      key: keys.get(q.id)!,
      name: q.name,
      communes: communes.all(q.id) as string[],
      qpvCodes: qpvs.all(q.id) as string[],
      securityZone: q.securityZone,
      wave: q.wave,
      population: q.population,
    }),
  );
  const keyOf = (row: { qrrId: number }): string => keys.get(row.qrrId)!;
  const filter = <T extends { periodCode: string }>(rows: T[]): T[] => rows.filter((r) => inScope.has(r.periodCode));

  const values = filter(
    ctx.db
      .prepare(
        `SELECT qrr_id AS qrrId, indicator_code AS indicatorCode, period_code AS periodCode, value, target, comment, source,
                updated_at AS updatedAt, updated_by AS updatedBy FROM indicator_value ORDER BY period_code, qrr_id, indicator_code`,
      )
      .all() as { qrrId: number; indicatorCode: string; periodCode: string; value: string | null; target: string | null; comment: string; source: string; updatedAt: string; updatedBy: string }[],
  );
  const statuses = filter(
    ctx.db
      .prepare(
        `SELECT qrr_id AS qrrId, action_code AS actionCode, period_code AS periodCode, status, comment, referent,
                updated_at AS updatedAt, updated_by AS updatedBy FROM action_status ORDER BY period_code, qrr_id, action_code`,
      )
      .all() as { qrrId: number; actionCode: string; periodCode: string; status: ExchangeDocument['actionStatuses'][number]['status']; comment: string; referent: string; updatedAt: string; updatedBy: string }[],
  );
  const assessments = filter(
    ctx.db
      .prepare(
        `SELECT qrr_id AS qrrId, engagement_code AS engagementCode, period_code AS periodCode, meteo, trend, comment,
                comment_author AS commentAuthor, comment_date AS commentDate, obstacles, next_steps AS nextSteps, successes,
                updated_at AS updatedAt, updated_by AS updatedBy
         FROM assessment ORDER BY period_code, qrr_id, engagement_code`,
      )
      .all() as (Omit<ExchangeDocument['assessments'][number], 'qrrKey'> & { qrrId: number })[],
  );

  // The results section and the minor version only when there is something to carry: a file without
  // results data stays readable by the versions before them.
  const results = exportResults(ctx, keys);
  const withResults =
    results.sansObjet.length > 0 || results.targets.length > 0 || assessments.some((x) => x.obstacles || x.nextSteps || x.successes);

  const years = options.periods && options.periods.length > 0 ? new Set(wanted.map((p) => Number(p.slice(0, 4)))) : null;
  const { fipdEnvelopes, subsidies } = exportFipd(ctx, keys, years);

  return sealExchangeDocument({
    format: EXCHANGE_FORMAT,
    version: EXCHANGE_VERSION,
    referentialVersion: storedReferentialVersion(ctx.db) ?? SEED_REFERENTIAL.version,
    departement: { code: settings.departementCode, nom: settings.departementNom },
    sender: options.sender ?? { name: settings.coordinatorName, osUser: ctx.osUser },
    exportedAt: isoNow(ctx),
    scope: { periods: wanted },
    qrrs,
    periods: allPeriods.filter((p) => inScope.has(p.code)),
    indicatorValues: values.map(({ qrrId, ...r }) => ({ ...r, qrrKey: keyOf({ qrrId }), value: unjson(r.value), target: unjson(r.target) })),
    actionStatuses: statuses.map(({ qrrId, ...r }) => ({ ...r, qrrKey: keyOf({ qrrId }) })),
    // Typed comments only when written: files without them read as before.
    assessments: assessments.map(({ qrrId, obstacles, nextSteps, successes, ...r }) => ({
      ...r,
      qrrKey: keyOf({ qrrId }),
      ...(obstacles ? { obstacles } : {}),
      ...(nextSteps ? { nextSteps } : {}),
      ...(successes ? { successes } : {}),
    })),
    fipdEnvelopes,
    subsidies,
    ...(withResults ? { minorVersion: EXCHANGE_MINOR_VERSION, results } : {}),
  }, nodeSha256);
}

/** The FIPD records as the exchange file carries them, with their local QRR (and subsidy) ids. */
export interface StoredFipd {
  readonly envelopes: readonly (Omit<ExchangeEnvelope, 'qrrKey'> & { readonly qrrId: number })[];
  readonly subsidies: readonly (Omit<ExchangeSubsidy, 'qrrKey'> & { readonly id: number; readonly qrrId: number })[];
}

/**
 * Every envelope, subsidy and payment of the database in the exchange file's
 * shape (export, and the import preview's « mine » side). A subsidy's author is
 * the last one who changed it, from the audit trail (the table keeps no author).
 */
export function readStoredFipd(ctx: ServiceContext): StoredFipd {
  const envelopes = ctx.db
    .prepare(
      `SELECT qrr_id AS qrrId, budget_year AS budgetYear, source, amount_cents AS amountCents, decided_on AS decidedOn, comment,
              over_envelope_reason AS overEnvelopeReason, updated_at AS updatedAt, updated_by AS updatedBy
       FROM fipd_envelope ORDER BY budget_year, qrr_id, source`,
    )
    .all() as StoredFipd['envelopes'][number][];
  const rows = ctx.db
    .prepare(
      `SELECT id, uid, qrr_id AS qrrId, budget_year AS budgetYear, source, action_codes AS actionCodes, beneficiary_name AS beneficiaryName,
              siret, rna, title, requested_cents AS requestedCents, granted_cents AS grantedCents, cofinancing_cents AS cofinancingCents,
              decision_kind AS decisionKind, decision_number AS decisionNumber, decision_date AS decisionDate, chorus_ej AS chorusEj,
              report_due_date AS reportDueDate, report_received_date AS reportReceivedDate, documents, status,
              over_envelope_reason AS overEnvelopeReason, comment, created_at AS createdAt, updated_at AS updatedAt
       FROM subsidy ORDER BY budget_year, uid`,
    )
    .all() as (Omit<ExchangeSubsidy, 'qrrKey' | 'actionCodes' | 'documents' | 'payments' | 'updatedBy'> & {
    id: number;
    qrrId: number;
    actionCodes: string;
    documents: string;
  })[];
  const payments = ctx.db.prepare(
    `SELECT uid, paid_on AS paidOn, amount_cents AS amountCents, kind, comment, created_at AS createdAt
     FROM subsidy_payment WHERE subsidy_id = ? ORDER BY paid_on, uid`,
  );
  const lastAuthor = ctx.db.prepare(`SELECT os_user FROM audit_log WHERE entity = 'subsidy' AND entity_id = ? ORDER BY id DESC LIMIT 1`).pluck();
  return {
    envelopes,
    subsidies: rows.map(({ actionCodes, documents, ...s }) => ({
      ...s,
      actionCodes: JSON.parse(actionCodes) as string[],
      documents: JSON.parse(documents) as ExchangeSubsidy['documents'],
      updatedBy: (lastAuthor.get(String(s.id)) as string | undefined) ?? '',
      payments: payments.all(s.id) as ExchangeSubsidy['payments'],
    })),
  };
}

/** The FIPD credits of the budget years in scope (all years when `years` is null). */
function exportFipd(
  ctx: ServiceContext,
  keys: Map<number, string>,
  years: ReadonlySet<number> | null,
): Pick<ExchangeDocument, 'fipdEnvelopes' | 'subsidies'> {
  const inYears = <T extends { budgetYear: number }>(rows: readonly T[]): T[] => rows.filter((r) => years === null || years.has(r.budgetYear));
  const { envelopes, subsidies } = readStoredFipd(ctx);
  return {
    fipdEnvelopes: inYears(envelopes).map(({ qrrId, ...e }) => ({ ...e, qrrKey: keys.get(qrrId)! })),
    subsidies: inYears(subsidies).map(({ id: _id, qrrId, ...s }) => ({ ...s, qrrKey: keys.get(qrrId)! })),
  };
}

/** `qrr-93-2026-T4.qrr`, or `qrr-93-tout.qrr` for several periods. */
export function exchangeFileName(document: ExchangeDocument): string {
  const scope = document.scope.periods.length === 1 ? document.scope.periods[0]! : 'tout';
  return `qrr-${document.departement.code}-${scope}${EXCHANGE_EXTENSION}`;
}

export const exportTooBigMessage = (maxBytes: number): string =>
  `Ce fichier d'échange dépasserait ${Math.round(maxBytes / (1024 * 1024))} Mo, la taille la plus grande que l'application sait relire : ` +
  'exportez moins de trimestres à la fois (un trimestre national tient en une cinquantaine de Mo).';

/**
 * Writes the file (adding the extension when missing) in pieces, through a
 * temporary file so a crash never leaves half a file. A file larger than what
 * the import reads (EXCHANGE_MAX_BYTES) is refused before it replaces
 * anything: the application never writes a file it cannot read back.
 */
export function writeExchangeFile(document: ExchangeDocument, target: string, maxBytes = EXCHANGE_MAX_BYTES): string {
  const file = target.endsWith(EXCHANGE_EXTENSION) ? target : `${target}${EXCHANGE_EXTENSION}`;
  let size = 0;
  writeFileAtomicStreamed(file, (put) =>
    writeExchangeText(document, (chunk) => {
      const bytes = Buffer.from(chunk, 'utf8');
      size += bytes.length;
      if (size > maxBytes) throw new DomainError('VALIDATION', exportTooBigMessage(maxBytes));
      put(bytes);
    }),
  );
  return file;
}
