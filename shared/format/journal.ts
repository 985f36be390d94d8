/**
 * French display of the audit trail (Journal screen) and of the backups list
 * (Paramètres). Pure functions, no DOM: unit-tested in
 * tests/unit/journal-format.test.ts (shared with the CLI, which prints previews the same way).
 */
export { EMPTY, AUDIT_ENTITIES, entityLabel, actionLabel, originLabel, fieldLabel, qrrLabel, elementLabel } from './journal-labels';
export { type ValueContext, truncate, formatAuditValue, type ChangeParts, changeParts, formatChange } from './journal-values';
export { parisDayStartIso, parisDayEndIso, type JournalFilters, NO_FILTERS, type AuditQuery, type AuditQueryResult, buildAuditQuery, pageRangeLabel } from './journal-query';
export { backupReasonLabel, formatFileSize, restoreSuccessMessage } from './backup-labels';
