import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PeriodState } from '../../../shared/domain/period';
import { diffExchange, type ExchangePreview, type LocalExchangeData, type LocalRow } from '../../../shared/exchange/diff';
import type { LocalFipdData, LocalFipdRow } from '../../../shared/exchange/diff-fipd';
import {
  EXCHANGE_MAX_BYTES,
  EXCHANGE_MESSAGES,
  parseExchangeText,
  type ExchangeDocument,
  type ParseExchangeResult,
} from '../../../shared/exchange/format';
import { DomainError } from '../../../shared/ipc/result';
import type { ServiceContext } from '../context';
import { computed0502 } from '../followup';
import { readReferential } from '../referential';
import { getSettings } from '../settings';
import { localQrrKeys } from './export';

/*
 * The preview of an import: read what this database holds, then the pure diff
 * (shared/exchange/diff.ts). Nothing is written.
 */

const unjson = (v: unknown): unknown => (v === null ? null : JSON.parse(v as string));

export function loadLocalExchangeData(ctx: ServiceContext): LocalExchangeData {
  const referential = readReferential(ctx.db);
  const keys = localQrrKeys(ctx);
  const qrrs = (ctx.db.prepare('SELECT id, name, archived_at AS archivedAt FROM qrr').all() as { id: number; name: string; archivedAt: string | null }[]).map(
    (q) => ({ id: q.id, key: keys.get(q.id)!, name: q.name, archived: q.archivedAt !== null }),
  );
  const rowsOf = (sql: string, fields: readonly string[], decode: readonly string[] = []): LocalRow[] =>
    (ctx.db.prepare(sql).all() as Record<string, unknown>[]).map((r) => ({
      qrrId: r.qrrId as number,
      code: r.code as string,
      periodCode: r.periodCode as string,
      updatedAt: r.updatedAt as string,
      updatedBy: r.updatedBy as string,
      fields: Object.fromEntries(fields.map((f) => [f, decode.includes(f) ? unjson(r[f]) : r[f]])),
    }));
  const meta = 'qrr_id AS qrrId, period_code AS periodCode, updated_at AS updatedAt, updated_by AS updatedBy';
  const periods = ctx.db.prepare('SELECT code, state FROM period').all() as { code: string; state: PeriodState }[];
  return {
    departementCode: getSettings(ctx)?.departementCode ?? null,
    indicatorCodes: referential.engagements.flatMap((e) => e.indicators.map((i) => i.code)),
    actionCodes: referential.engagements.flatMap((e) => e.actions.map((a) => a.code)),
    engagementCodes: referential.engagements.map((e) => e.code),
    qrrs,
    periods,
    rows: {
      indicator_value: rowsOf(`SELECT ${meta}, indicator_code AS code, value, target, comment, source FROM indicator_value`, ['value', 'target', 'comment', 'source'], ['value', 'target']),
      action_status: rowsOf(`SELECT ${meta}, action_code AS code, status, comment, referent FROM action_status`, ['status', 'comment', 'referent']),
      assessment: rowsOf(`SELECT ${meta}, engagement_code AS code, meteo, trend, comment FROM assessment`, ['meteo', 'trend', 'comment']),
    },
    fipd: loadLocalFipd(ctx),
    computed0502: periods
      .filter((p) => p.state !== 'transmitted')
      .flatMap((p) => [...computed0502(ctx, p.code).keys()].map((qrrId) => `${qrrId}|${p.code}`)),
  };
}

function loadLocalFipd(ctx: ServiceContext): LocalFipdData {
  const fipd_envelope = (
    ctx.db
      .prepare(
        `SELECT qrr_id AS qrrId, source AS code, budget_year AS budgetYear, amount_cents AS amountCents, decided_on AS decidedOn, comment,
                updated_at AS updatedAt, updated_by AS updatedBy FROM fipd_envelope`,
      )
      .all() as Record<string, unknown>[]
  ).map(
    (r): LocalFipdRow => ({
      qrrId: r.qrrId as number,
      code: r.code as string,
      budgetYear: r.budgetYear as number,
      updatedAt: r.updatedAt as string,
      updatedBy: r.updatedBy as string,
      fields: { amountCents: r.amountCents, decidedOn: r.decidedOn, comment: r.comment },
    }),
  );
  const lastAuthor = ctx.db.prepare(`SELECT os_user FROM audit_log WHERE entity = 'subsidy' AND entity_id = ? ORDER BY id DESC LIMIT 1`).pluck();
  const subsidy = (
    ctx.db
      .prepare(
        `SELECT id, uid, qrr_id AS qrrId, budget_year AS budgetYear, source, action_codes AS actionCodes, beneficiary_name AS beneficiaryName,
                siret, rna, title, requested_cents AS requestedCents, granted_cents AS grantedCents, cofinancing_cents AS cofinancingCents,
                decision_kind AS decisionKind, decision_number AS decisionNumber, decision_date AS decisionDate, chorus_ej AS chorusEj,
                report_due_date AS reportDueDate, report_received_date AS reportReceivedDate, documents, status, comment, updated_at AS updatedAt
         FROM subsidy`,
      )
      .all() as Record<string, unknown>[]
  ).map((r): LocalFipdRow => {
    const { id, uid, qrrId, budgetYear, updatedAt, actionCodes, documents, ...fields } = r;
    return {
      qrrId: qrrId as number,
      code: uid as string,
      budgetYear: budgetYear as number,
      updatedAt: updatedAt as string,
      updatedBy: (lastAuthor.get(String(id)) as string | undefined) ?? '',
      fields: { ...fields, actionCodes: JSON.parse(actionCodes as string), documents: JSON.parse(documents as string) },
    };
  });
  const subsidy_payment = (
    ctx.db
      .prepare(
        `SELECT p.uid AS code, s.qrr_id AS qrrId, s.budget_year AS budgetYear, p.created_at AS updatedAt FROM subsidy_payment p JOIN subsidy s ON s.id = p.subsidy_id`,
      )
      .all() as { code: string; qrrId: number; budgetYear: number; updatedAt: string }[]
  ).map((r): LocalFipdRow => ({ ...r, updatedBy: '', fields: {} }));
  return { fipd_envelope, subsidy, subsidy_payment };
}

/** What an import would do; refuses (DomainError, French) another département's file or unknown codes. */
export function previewImport(ctx: ServiceContext, document: ExchangeDocument): ExchangePreview {
  const result = diffExchange(loadLocalExchangeData(ctx), document);
  if (!result.ok) throw new DomainError('VALIDATION', result.message);
  return result.preview;
}

export interface ExchangeFile {
  readonly fileName: string;
  /** SHA-256 of the file's bytes (for the audit trail), hex. */
  readonly fileHash: string;
  readonly document: ExchangeDocument;
  /** The file's format version when older than the current one (read through the migration). */
  readonly migratedFrom?: number;
}

/** Reads and checks an exchange file; the size is checked before reading, so a 200 MB file is never loaded. */
export function readExchangeFile(file: string, maxBytes = EXCHANGE_MAX_BYTES): ExchangeFile {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new DomainError('NOT_FOUND', `Le fichier « ${path.basename(file)} » est introuvable ou illisible.`);
  }
  if (size > maxBytes) throw new DomainError('VALIDATION', EXCHANGE_MESSAGES.tooBig(maxBytes));
  const bytes = fs.readFileSync(file);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const parsed: ParseExchangeResult = parseExchangeText(text, { maxBytes });
  if (!parsed.ok) throw new DomainError('VALIDATION', parsed.message);
  return {
    fileName: path.basename(file),
    fileHash: createHash('sha256').update(bytes).digest('hex'),
    document: parsed.document,
    ...(parsed.migratedFrom !== undefined ? { migratedFrom: parsed.migratedFrom } : {}),
  };
}
