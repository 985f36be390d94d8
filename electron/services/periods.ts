import {
  isPeriodWritable,
  parsePeriodCode,
  periodLabel,
  periodOfDate,
  type PeriodState,
} from '../../shared/domain/period';
import type { Period } from '../../shared/domain/types';
import { DomainError } from '../../shared/ipc/result';
import { recordAudit } from './audit';
import { isoNow, type ServiceContext } from './context';
import { prepared } from './db/statement-cache';

interface PeriodRow {
  code: string;
  state: PeriodState;
  createdAt: string;
  transmittedAt: string | null;
  reopenedAt: string | null;
  reopenReason: string | null;
}

const SELECT = `SELECT code, state, created_at AS createdAt, transmitted_at AS transmittedAt,
  reopened_at AS reopenedAt, reopen_reason AS reopenReason FROM period`;

const toPeriod = (row: PeriodRow): Period => ({ ...row, label: periodLabel(row.code) });

export const REOPEN_REASON_MIN = 10;

export function listPeriods(ctx: ServiceContext): Period[] {
  return (ctx.db.prepare(`${SELECT} ORDER BY code DESC`).all() as PeriodRow[]).map(toPeriod);
}

export function getPeriod(ctx: ServiceContext, code: string): Period {
  const row = prepared(ctx.db, `${SELECT} WHERE code = ?`).get(code) as PeriodRow | undefined;
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
  return ctx.db.transaction(() => {
    const existing = ctx.db.prepare(`${SELECT} WHERE code = ?`).get(code) as PeriodRow | undefined;
    if (existing) return toPeriod(existing);
    ctx.db.prepare(`INSERT INTO period (code, state, created_at) VALUES (?, 'open', ?)`).run(code, isoNow(ctx));
    recordAudit(ctx, [{ entity: 'period', entityId: code, action: 'create', newValue: { state: 'open' } }]);
    return getPeriod(ctx, code);
  }).immediate();
}

/**
 * Marks a quarter transmitted (read-only). `beforeTransmit` runs in the same
 * transaction (the follow-up freezes its computed values there).
 */
export function transmitPeriod(ctx: ServiceContext, code: string, beforeTransmit?: () => void): Period {
  return ctx.db.transaction(() => {
    const before = getPeriod(ctx, code);
    if (before.state === 'transmitted') {
      throw new DomainError('CONFLICT', `La période ${before.label} est déjà transmise.`);
    }
    beforeTransmit?.();
    ctx.db.prepare(`UPDATE period SET state = 'transmitted', transmitted_at = ? WHERE code = ?`).run(isoNow(ctx), code);
    recordAudit(ctx, [{ entity: 'period', entityId: code, action: 'update', field: 'state', oldValue: before.state, newValue: 'transmitted' }]);
    return getPeriod(ctx, code);
  }).immediate();
}

export function reopenPeriod(ctx: ServiceContext, code: string, reason: string): Period {
  const trimmed = reason.trim();
  if (trimmed.length < REOPEN_REASON_MIN) {
    throw new DomainError('VALIDATION', `Indiquez le motif de la réouverture (au moins ${REOPEN_REASON_MIN} caractères).`, [
      { path: 'reason', message: 'Motif obligatoire.' },
    ]);
  }
  return ctx.db.transaction(() => {
    const before = getPeriod(ctx, code);
    if (before.state !== 'transmitted') {
      throw new DomainError('CONFLICT', `La période ${before.label} n'a pas été transmise : elle est déjà modifiable.`);
    }
    ctx.db
      .prepare(`UPDATE period SET state = 'reopened', reopened_at = ?, reopen_reason = ? WHERE code = ?`)
      .run(isoNow(ctx), trimmed, code);
    recordAudit(ctx, [
      { entity: 'period', entityId: code, action: 'update', field: 'state', oldValue: before.state, newValue: 'reopened' },
      { entity: 'period', entityId: code, action: 'update', field: 'reopenReason', oldValue: before.reopenReason, newValue: trimmed },
    ]);
    return getPeriod(ctx, code);
  }).immediate();
}
