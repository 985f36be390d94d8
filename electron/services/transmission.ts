/**
 * One way to transmit a quarter (issue 13): Indicateurs, Tableau de bord,
 * Rapports and the CLI all go through {@link requireTransmittable} (what is
 * missing — « sans objet » left out — must be empty or explicitly confirmed)
 * and {@link transmitQuarter} (the same record in the audit trail, naming the
 * signed report when there is one).
 *
 * A quarter may be marked transmitted without a signed report: the lock and
 * the record are what freeze the figures; a signed report can be produced
 * afterwards from exactly those frozen figures, and a prefecture whose agent
 * has no certificate yet is not blocked. See docs/transmission.md.
 *
 * Plain Node, never imports electron.
 */
import { DomainError } from '../../shared/ipc/result';
import type { ReportMissing } from '../../shared/report/report-model';
import type { Period } from '../../shared/domain/types';
import { recordAudit } from './audit';
import type { ServiceContext } from './context';
import { freezeComputedValues } from './followup';
import type { Geography } from './geography';
import { getPeriod, transmitPeriod } from './periods';
import { reportModelFor } from './report/report-model-for';

/** Refuses (French, with the list's summary) when something is missing and the user has not confirmed. */
export function requireTransmittable(ctx: ServiceContext, geography: Geography, periodCode: string, confirmIncomplete: boolean): ReportMissing {
  const period = getPeriod(ctx, periodCode);
  if (period.state === 'transmitted') throw new DomainError('CONFLICT', `Le ${period.label} est déjà transmis.`);
  const { missing } = reportModelFor(ctx, geography, periodCode);
  if (!missing.ready && !confirmIncomplete) {
    throw new DomainError(
      'CONFLICT',
      `Le ${period.label} n'est pas complet : ${missing.summary.join(' ')} ` +
        'Complétez-le (les éléments « sans objet » ne sont pas demandés) ou confirmez la transmission malgré ces manques.',
    );
  }
  return missing;
}

export interface TransmissionRecord {
  readonly missing: number;
  /** The signed report accompanying the transmission, when there is one. */
  readonly report: { readonly fileName: string; readonly sha256: string } | null;
}

/**
 * Marks the quarter transmitted (computed values frozen) and records how:
 * what was missing and confirmed, and the signed report if any. Call inside
 * the caller's transaction when it records a report at the same time.
 */
export function transmitQuarter(ctx: ServiceContext, periodCode: string, record: TransmissionRecord): Period {
  return transmitPeriod(ctx, periodCode, () => {
    freezeComputedValues(ctx, periodCode);
    recordAudit(ctx, [
      {
        entity: 'period',
        entityId: periodCode,
        action: 'update',
        field: 'transmission',
        newValue: { missing: record.missing, signedReport: record.report },
      },
    ]);
  });
}
