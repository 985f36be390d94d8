import {
  isPeriodWritable,
  parsePeriodCode,
  periodLabel,
  periodOfDate,
} from '../../shared/domain/period';
import type { Period } from '../../shared/domain/types';
import { DomainError } from '../../shared/ipc/result';
import { recordAudit } from './audit';
import { isoNow, type ServiceContext } from './context';
import { readDb, writeTransaction } from './db/query';
import { insertOpenPeriod, markReopened, markTransmitted, selectPeriod, selectPeriods, type PeriodRow } from './db/tables/period';

const toPeriod = (row: PeriodRow): Period => ({ ...row, label: periodLabel(row.code) });

export const REOPEN_REASON_MIN = 10;

export function listPeriods(ctx: ServiceContext): Period[] {
  return readDb(ctx).all(selectPeriods).map(toPeriod);
}

export function getPeriod(ctx: ServiceContext, code: string): Period {
  const row = readDb(ctx).get(selectPeriod, code);
  if (!row) throw new DomainError('NOT_FOUND', `La période ${periodLabel(code)} n'a pas encore été ouverte.`);
  return toPeriod(row);
}

/** Values may be written only in an open or reopened period; a transmitted one is read-only. */
export function requireWritablePeriod(ctx: ServiceContext, code: string): Period {
  const period = getPeriod(ctx, code);
  if (!isPeriodWritable(period.state)) {
    throw new DomainError(
      'CONFLICT',
      `La période ${period.label} a été transmise : elle est en lecture seule. Rouvrez-la (motif obligatoire) pour la modifier.`,
    );
  }
  return period;
}

/**
 * Opens a quarter on demand (idempotent). Quarters after the next one are
 * refused: nothing can be reported about them yet.
 */
export function openPeriod(ctx: ServiceContext, code: string): Period {
  const parts = parsePeriodCode(code);
  if (!parts) throw new DomainError('VALIDATION', `« ${code} » n'est pas un trimestre (format attendu : 2026-T4).`);
  const current = parsePeriodCode(periodOfDate(ctx.now()))!;
  const index = (p: { year: number; quarter: number }) => p.year * 4 + p.quarter;
  if (index(parts) > index(current) + 1) {
    throw new DomainError('VALIDATION', `Le ${periodLabel(code)} est trop loin dans le futur pour être ouvert.`);
  }
  return writeTransaction(ctx, (db) => {
    const existing = db.get(selectPeriod, code);
    if (existing) return toPeriod(existing);
    db.run(insertOpenPeriod, code, isoNow(ctx));
    recordAudit(ctx, [{ entity: 'period', entityId: code, action: 'create', newValue: { state: 'open' } }]);
    return getPeriod(ctx, code);
  });
}

/**
 * Marks a quarter transmitted (read-only). `beforeTransmit` runs in the same
 * transaction (the follow-up freezes its computed values there).
 */
export function transmitPeriod(ctx: ServiceContext, code: string, beforeTransmit?: () => void): Period {
  return writeTransaction(ctx, (db) => {
    const before = getPeriod(ctx, code);
    if (before.state === 'transmitted') {
      throw new DomainError('CONFLICT', `La période ${before.label} est déjà transmise.`);
    }
    beforeTransmit?.();
    db.run(markTransmitted, isoNow(ctx), code);
    recordAudit(ctx, [{ entity: 'period', entityId: code, action: 'update', field: 'state', oldValue: before.state, newValue: 'transmitted' }]);
    return getPeriod(ctx, code);
  });
}

export function reopenPeriod(ctx: ServiceContext, code: string, reason: string): Period {
  const trimmed = reason.trim();
  if (trimmed.length < REOPEN_REASON_MIN) {
    throw new DomainError('VALIDATION', `Indiquez le motif de la réouverture (au moins ${REOPEN_REASON_MIN} caractères).`, [
      { path: 'reason', message: 'Motif obligatoire.' },
    ]);
  }
  return writeTransaction(ctx, (db) => {
    const before = getPeriod(ctx, code);
    if (before.state !== 'transmitted') {
      throw new DomainError('CONFLICT', `La période ${before.label} n'a pas été transmise : elle est déjà modifiable.`);
    }
    db.run(markReopened, isoNow(ctx), trimmed, code);
    recordAudit(ctx, [
      { entity: 'period', entityId: code, action: 'update', field: 'state', oldValue: before.state, newValue: 'reopened' },
      { entity: 'period', entityId: code, action: 'update', field: 'reopenReason', oldValue: before.reopenReason, newValue: trimmed },
    ]);
    return getPeriod(ctx, code);
  });
}
