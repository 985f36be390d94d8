import type { PeriodState } from '../../../shared/domain/period';
import { diffExchange, type ExchangePreview, type LocalExchangeData, type LocalRow } from '../../../shared/exchange/diff';
import { FIPD_ENVELOPE_FIELDS, SUBSIDY_FIELDS, type LocalFipdData } from '../../../shared/exchange/diff-fipd';
import type { ExchangeDocument } from '../../../shared/exchange/format';
import { DomainError } from '../../../shared/ipc/result';
import type { ServiceContext } from '../context';
import { computed0502 } from '../followup';
import { findDepartement, type Geography } from '../geography';
import { readReferential } from '../referential';
import { getSettings } from '../settings';
import { localQrrKeys, readStoredFipd } from './export';
import { loadLocalResults } from './export-results';
import { boundHeap } from './heap-guard';
import { trialWrite } from './write-import';

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
  const departementCode = getSettings(ctx)?.departementCode ?? null;
  return {
    departementCode,
    departementName: departementCode === null ? null : (findDepartement(departementCode)?.nom ?? null),
    referentialVersion: referential.version,
    indicators: referential.engagements.flatMap((e) => e.indicators),
    indicatorCodes: referential.engagements.flatMap((e) => e.indicators.map((i) => i.code)),
    actionCodes: referential.engagements.flatMap((e) => e.actions.map((a) => a.code)),
    engagementCodes: referential.engagements.map((e) => e.code),
    qrrs,
    periods,
    rows: {
      indicator_value: rowsOf(`SELECT ${meta}, indicator_code AS code, value, target, comment, source FROM indicator_value`, ['value', 'target', 'comment', 'source'], ['value', 'target']),
      action_status: rowsOf(`SELECT ${meta}, action_code AS code, status, comment, referent FROM action_status`, ['status', 'comment', 'referent']),
      assessment: rowsOf(
        `SELECT ${meta}, engagement_code AS code, meteo, trend, comment, obstacles, next_steps AS nextSteps, successes FROM assessment`,
        ['meteo', 'trend', 'comment', 'obstacles', 'nextSteps', 'successes'],
      ),
    },
    fipd: loadLocalFipd(ctx),
    results: loadLocalResults(ctx),
    computed0502: periods
      .filter((p) => p.state !== 'transmitted')
      .flatMap((p) => [...computed0502(ctx, p.code).keys()].map((qrrId) => `${qrrId}|${p.code}`)),
  };
}

/** This database's FIPD records, in the shape the preview compares (read as the export reads them). */
function loadLocalFipd(ctx: ServiceContext): LocalFipdData {
  const { envelopes, subsidies } = readStoredFipd(ctx);
  const pick = (record: object, fields: readonly string[]): Record<string, unknown> =>
    Object.fromEntries(fields.map((f) => [f, (record as Record<string, unknown>)[f]]));
  return {
    fipd_envelope: envelopes.map((e) => ({
      qrrId: e.qrrId,
      code: e.source,
      budgetYear: e.budgetYear,
      updatedAt: e.updatedAt,
      updatedBy: e.updatedBy,
      fields: pick(e, FIPD_ENVELOPE_FIELDS),
    })),
    subsidy: subsidies.map((s) => ({
      qrrId: s.qrrId,
      code: s.uid,
      budgetYear: s.budgetYear,
      updatedAt: s.updatedAt,
      updatedBy: s.updatedBy,
      fields: pick(s, SUBSIDY_FIELDS),
    })),
    subsidy_payment: subsidies.flatMap((s) =>
      s.payments.map((p) => ({ qrrId: s.qrrId, code: p.uid, budgetYear: s.budgetYear, updatedAt: p.createdAt, updatedBy: '', fields: {} })),
    ),
  };
}

/** The pure diff against this database; refuses (DomainError, French) another département's file or unknown codes. */
export function diffPreview(ctx: ServiceContext, document: ExchangeDocument): ExchangePreview {
  const result = diffExchange(loadLocalExchangeData(ctx), document);
  if (!result.ok) throw new DomainError('VALIDATION', result.message);
  return result.preview;
}

/**
 * What an import would do, cell by cell: the diff, then the import's own
 * writes run and rolled back (write-import.ts), so that every cell the apply
 * would refuse is shown « refusé » with its reason. Nothing is written.
 * `decisions`: the lines the user takes (default: every new cell and conflict).
 */
export function previewImport(
  ctx: ServiceContext,
  document: ExchangeDocument,
  geography: Geography,
  decisions: { readonly defaultChoice: 'mine' | 'theirs'; readonly perLine?: Readonly<Record<string, 'mine' | 'theirs'>> } = { defaultChoice: 'theirs' },
): ExchangePreview {
  // What reading the file left (its bytes, its text) and then the diff's own garbage: collected before the next step (heap-guard.ts).
  boundHeap();
  const preview = diffPreview(ctx, document);
  boundHeap();
  const { take } = chosenLines(preview, decisions);
  if (take.length === 0) return preview;
  const refused = trialWrite(ctx, document, preview, take, geography);
  if (refused.size === 0) return preview;
  // Marked in place: a line's key is built only here, when some are refused.
  for (const i of take) {
    const reason = refused.get(preview.lines.keyAt(i));
    if (reason !== undefined) preview.lines.refuse(i, reason);
  }
  return { ...preview, counts: preview.lines.counts() };
}

export type Choice = 'mine' | 'theirs';

export interface LineChoices {
  /** For conflicts without a per-line choice. New cells are taken unless a line says 'mine'. */
  readonly defaultChoice: Choice;
  /** By line key (ExchangeLine.key). */
  readonly perLine?: Readonly<Record<string, Choice>> | undefined;
}

/** What the user chose for line `i` (its key is built only when per-line choices exist). */
export function chosen(preview: ExchangePreview, i: number, decisions: LineChoices): Choice {
  const kind = preview.lines.kindAt(i);
  const fallback = kind === 'conflict' ? decisions.defaultChoice : 'theirs';
  if (!decisions.perLine) return fallback;
  return decisions.perLine[preview.lines.keyAt(i)] ?? fallback;
}

/** The numbers of the lines to write (new or conflict, « theirs » chosen), and how many conflicts keep this database's value. */
export function chosenLines(preview: ExchangePreview, decisions: LineChoices): { take: number[]; keptMine: number } {
  const take: number[] = [];
  let keptMine = 0;
  for (let i = 0; i < preview.lines.length; i++) {
    const kind = preview.lines.kindAt(i);
    if (kind === 'identical' || kind === 'locked' || kind === 'refused') continue;
    if (chosen(preview, i, decisions) === 'theirs') take.push(i);
    else keptMine++;
  }
  return { take, keptMine };
}
