import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PeriodState } from '../../../shared/domain/period';
import { diffExchange, type ExchangePreview, type LocalExchangeData, type LocalRow } from '../../../shared/exchange/diff';
import {
  EXCHANGE_MAX_BYTES,
  EXCHANGE_MESSAGES,
  parseExchangeText,
  type ExchangeDocument,
  type ParseExchangeResult,
} from '../../../shared/exchange/format';
import { DomainError } from '../../../shared/ipc/result';
import type { ServiceContext } from '../context';
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
  return {
    departementCode: getSettings(ctx)?.departementCode ?? null,
    indicatorCodes: referential.engagements.flatMap((e) => e.indicators.map((i) => i.code)),
    actionCodes: referential.engagements.flatMap((e) => e.actions.map((a) => a.code)),
    engagementCodes: referential.engagements.map((e) => e.code),
    qrrs,
    periods: ctx.db.prepare('SELECT code, state FROM period').all() as { code: string; state: PeriodState }[],
    rows: {
      indicator_value: rowsOf(`SELECT ${meta}, indicator_code AS code, value, target, comment, source FROM indicator_value`, ['value', 'target', 'comment', 'source'], ['value', 'target']),
      action_status: rowsOf(`SELECT ${meta}, action_code AS code, status, comment, referent FROM action_status`, ['status', 'comment', 'referent']),
      assessment: rowsOf(`SELECT ${meta}, engagement_code AS code, meteo, trend, comment FROM assessment`, ['meteo', 'trend', 'comment']),
    },
  };
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
  return { fileName: path.basename(file), fileHash: createHash('sha256').update(bytes).digest('hex'), document: parsed.document };
}
