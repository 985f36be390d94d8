/**
 * FIPD credits and the other State credits counted by indicator 05-02: the
 * vocabulary (sources, statuses, payment kinds, supporting documents), the
 * checks of association identifiers (SIRET, RNA) and dates, and the ledger
 * arithmetic (totals, warnings, indicator 05-02) shared by main, the screens
 * and the report.
 *
 * Amounts are integer cents everywhere: every sum here adds integers, so a
 * total never drifts from the sum of its lines.
 *
 * Pure ECMAScript: imports only shared/.
 */
export * from './vocabulary';
export * from './records';
export * from './checks';
export * from './warnings';
export * from './ledger';
export * from './indicator-0502';
export * from './requests';
