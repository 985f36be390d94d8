import { query, scalar } from '../query';

/*
 * Counts across tables that describe a whole database rather than one record:
 * the demonstration's summary (demo.ts) and the check that a file holds
 * nothing but an interrupted demonstration (cli/demo-leftover.ts).
 */

export const countIndicatorValues = scalar<number, []>('SELECT count(*) FROM indicator_value');
export const countActionStatuses = scalar<number, []>('SELECT count(*) FROM action_status');
export const countAssessments = scalar<number, []>('SELECT count(*) FROM assessment');
export const countAuditEntries = scalar<number, []>('SELECT count(*) FROM audit_log');

/** Audit entries written neither by `origin` nor by the migrations (which come with every new file). */
export const countAuditEntriesNotFrom = scalar<number, [origin: string]>(
  `SELECT count(*) FROM audit_log WHERE origin IS NOT ? AND origin IS NOT 'migration'`,
);

/** How many quarters are opened, and how many of them transmitted. */
export const countPeriodStates = query<{ n: number; transmitted: number | null }, []>(
  `SELECT count(*) AS n, sum(state = 'transmitted') AS transmitted FROM period`,
);

export const selectQrrNames = scalar<string, []>('SELECT name FROM qrr');
