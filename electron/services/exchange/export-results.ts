import type { ExchangeResults } from '../../../shared/exchange/format-results';
import type { ServiceContext } from '../context';
import type { LocalResultsData } from '../../../shared/exchange/diff-results';
import { readReferential } from '../referential';
import { listSansObjet } from '../results';

/*
 * The results section of an export (shared/exchange/format-results.ts): the
 * stored « sans objet » decisions and targets of every exported QRR, keyed
 * by the QRR's exchange key. Also read by the import preview as « mine ».
 */

export interface StoredResults {
  readonly sansObjet: readonly (Omit<ExchangeResults['sansObjet'][number], 'qrrKey'> & { readonly qrrId: number })[];
  readonly targets: readonly (Omit<ExchangeResults['targets'][number], 'qrrKey'> & { readonly qrrId: number })[];
}

export function readStoredResults(ctx: ServiceContext): StoredResults {
  const quotes = new Map(
    readReferential(ctx.db).engagements.flatMap((e) => e.indicators.map((i) => [i.code, i.measure?.target?.quote ?? null] as const)),
  );
  const sansObjet = (
    ctx.db
      .prepare(
        `SELECT qrr_id AS qrrId, item_type AS itemType, code, applies, reason, updated_at AS updatedAt, updated_by AS updatedBy
         FROM sans_objet ORDER BY qrr_id, item_type, code`,
      )
      .all() as (Omit<StoredResults['sansObjet'][number], 'sansObjet'> & { applies: 0 | 1 })[]
  ).map(({ applies, ...d }) => ({ ...d, sansObjet: applies === 1 }));
  const targets = (
    ctx.db
      .prepare(
        `SELECT qrr_id AS qrrId, indicator_code AS indicatorCode, initial_value AS initialValue, initial_date AS initialDate,
                target_value AS targetValue, target_deadline AS targetDeadline, origin, updated_at AS updatedAt, updated_by AS updatedBy
         FROM indicator_target ORDER BY qrr_id, indicator_code`,
      )
      .all() as Omit<StoredResults['targets'][number], 'quote'>[]
  ).map((t) => ({ ...t, quote: t.origin === 'circulaire' ? (quotes.get(t.indicatorCode) ?? null) : null }));
  return { sansObjet, targets };
}

export function exportResults(ctx: ServiceContext, keys: ReadonlyMap<number, string>): ExchangeResults {
  const { sansObjet, targets } = readStoredResults(ctx);
  return {
    sansObjet: sansObjet.map(({ qrrId, ...d }) => ({ ...d, qrrKey: keys.get(qrrId)! })),
    targets: targets.map(({ qrrId, ...t }) => ({ ...t, qrrKey: keys.get(qrrId)! })),
  };
}

/** The import preview's « mine » side: every « sans objet » state (proposals included) and the stored targets. */
export function loadLocalResults(ctx: ServiceContext): LocalResultsData {
  const decided = new Map(readStoredResults(ctx).sansObjet.map((d) => [`${d.qrrId}|${d.itemType}|${d.code}`, d] as const));
  return {
    sansObjet: listSansObjet(ctx).map((s) => {
      const d = decided.get(`${s.qrrId}|${s.itemType}|${s.code}`);
      return { qrrId: s.qrrId, itemType: s.itemType, code: s.code, sansObjet: s.sansObjet, reason: s.reason, updatedAt: d?.updatedAt ?? null, updatedBy: d?.updatedBy ?? '' };
    }),
    targets: readStoredResults(ctx).targets,
  };
}
