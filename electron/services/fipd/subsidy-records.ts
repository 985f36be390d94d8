import {
  normaliseAssociationName,
  subsidyFlags,
  type PaymentRecord,
  type SubsidyFields,
  type SubsidyFilters,
  type SubsidyFlag,
  type SubsidyRecord,
} from '../../../shared/domain/fipd';
import { DomainError } from '../../../shared/ipc/result';
import type { ServiceContext } from '../context';
import { readDb } from '../db/query';
import { fromRow, selectLiveSubsidiesOfYears, selectSubsidies, selectSubsidy, type StoredSubsidy } from '../db/tables/subsidy';
import { selectPaymentsOf, selectPaymentsOfMany } from '../db/tables/subsidy-payment';
import { todayOf } from './common';

/*
 * Subsidies as the screens, the ledger and the report read them: each with
 * its payments, what is paid, and its warnings (missing documents, a report
 * overdue, a possible duplicate).
 */

type Stored = StoredSubsidy;

export function readStoredSubsidy(ctx: ServiceContext, id: number): Stored | null {
  const row = readDb(ctx).get(selectSubsidy, id);
  return row ? fromRow(row) : null;
}

export function paymentsOf(ctx: ServiceContext, subsidyId: number): PaymentRecord[] {
  return readDb(ctx).all(selectPaymentsOf, subsidyId);
}

/** Same association (SIREN, RNA or name), same QRR, year, source and action title: probably typed twice. */
function duplicateKeys(s: Pick<SubsidyFields, 'budgetYear' | 'qrrId' | 'source' | 'siret' | 'rna' | 'beneficiaryName' | 'title'>): string[] {
  const base = `${s.budgetYear}|${s.qrrId}|${s.source}|${normaliseAssociationName(s.title)}`;
  return [
    ...(s.siret ? [`${base}|siren:${s.siret.slice(0, 9)}`] : []),
    ...(s.rna ? [`${base}|rna:${s.rna}`] : []),
    `${base}|name:${normaliseAssociationName(s.beneficiaryName)}`,
  ];
}

function hydrate(ctx: ServiceContext, stored: readonly Stored[]): SubsidyRecord[] {
  if (stored.length === 0) return [];
  const db = readDb(ctx);
  const payments = db.all(selectPaymentsOfMany, JSON.stringify(stored.map((s) => s.id)));
  const bySubsidy = new Map<number, PaymentRecord[]>();
  for (const p of payments) bySubsidy.set(p.subsidyId, [...(bySubsidy.get(p.subsidyId) ?? []), p]);

  // Possible duplicates are looked for among all lines of the same years, whatever the filters.
  const years = [...new Set(stored.map((s) => s.budgetYear))];
  const all = db.all(selectLiveSubsidiesOfYears, JSON.stringify(years)).map(fromRow);
  const byKey = new Map<string, number[]>();
  for (const s of all) for (const key of duplicateKeys(s)) byKey.set(key, [...(byKey.get(key) ?? []), s.id]);

  const today = todayOf(ctx);
  return stored.map((s) => {
    const own = bySubsidy.get(s.id) ?? [];
    const flags: SubsidyFlag[] = subsidyFlags(s, own, today);
    if (s.status !== 'refusee' && s.status !== 'annulee') {
      const twins = [...new Set(duplicateKeys(s).flatMap((k) => byKey.get(k) ?? []))].filter((id) => id !== s.id).sort((a, b) => a - b);
      if (twins.length > 0) {
        flags.push({
          code: 'possible_duplicate',
          message: `Doublon possible : même association, même action, même quartier et même année que ${
            twins.length === 1 ? 'la ligne' : 'les lignes'
          } n° ${twins.join(', ')}.`,
        });
      }
    }
    return {
      ...s,
      payments: own,
      paidCents: own.reduce((sum, p) => sum + p.amountCents, 0),
      flags,
    };
  });
}

export function getSubsidy(ctx: ServiceContext, id: number): SubsidyRecord {
  const stored = readStoredSubsidy(ctx, id);
  if (!stored) throw new DomainError('NOT_FOUND', `La subvention n° ${id} n'existe pas (elle a peut-être été supprimée entre-temps).`);
  return hydrate(ctx, [stored])[0]!;
}

export function listSubsidies(ctx: ServiceContext, filters: SubsidyFilters = {}): SubsidyRecord[] {
  const rows = readDb(ctx).all(selectSubsidies, {
      qrrId: filters.qrrId ?? null,
    budgetYear: filters.budgetYear ?? null,
    status: filters.status ?? null,
    source: filters.source ?? null,
  });
  return hydrate(ctx, rows.map(fromRow));
}
