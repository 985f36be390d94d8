/**
 * The names of the requests in the IPC contract, as plain data. The preload
 * imports only this file (no zod in the sandboxed preload bundle); contract.ts
 * checks at compile time that this list and the contract's keys are the same.
 */
export const CHANNELS = [
  'getAppInfo',
  'listDepartements',
  'listCommunes',
  'getSettings',
  'saveSettings',
  'listQrrs',
  'createQrr',
  'updateQrr',
  'archiveQrr',
  'deleteQrr',
  'restoreQrr',
  'getReferential',
  'listPeriods',
  'openPeriod',
  'transmitPeriod',
  'reopenPeriod',
  'listIndicatorValues',
  'saveIndicatorValues',
  'listActionStatuses',
  'saveActionStatuses',
  'listAssessments',
  'loadIndicatorGrid',
  'listQrrNames',
  'loadActionGrid',
  'saveAssessment',
  'listSansObjet',
  'saveSansObjet',
  'listTargets',
  'saveTarget',
  'listBackups',
  'backupNow',
  'restoreBackup',
  'getReportModel',
  'generateReport',
  'listReports',
  'verifyReport',
  // Signing with a .p12 file or a smart card / USB token (PKCS#11)
  'getSigningSetup',
  'setPkcs11Module',
  'listTokenCertificates',
  'listTrustedRoots',
  'addTrustedRoot',
  'removeTrustedRoot',
  'getTimestampSettings',
  'saveTimestampSettings',
  'testTimestampAuthority',
  'installDemo',
  'listAudit',
  'exportExchange',
  'previewExchange',
  'previewExchangeLines',
  'applyExchange',
  // FIPD credits (shared/ipc/contract-fipd.ts, FIPD_CHANNELS: same names)
  'listEnvelopes',
  'setEnvelope',
  'listSubsidies',
  'saveSubsidy',
  'saveSubsidies',
  'deleteSubsidy',
  'addPayment',
  'deletePayment',
  'getLedger',
  'exportSubsidies',
  // Files opened from outside the window (double click, second instance, Fichier › Importer…)
  'takeOpenedFile',
  // National consolidation of several départements' exchange files (read-only)
  'consolidateExchanges',
  'exportNationalReport',
  // Moving to another workstation: everything in one archive, and back (« Exporter tout / Restaurer »)
  'exportEverything',
  'restoreEverything',
] as const;

export type ChannelName = (typeof CHANNELS)[number];

/** Prefix of every IPC channel string, so the application's channels are recognisable in logs. */
export const CHANNEL_PREFIX = 'qrr-api:';

export const isChannelName = (name: string): name is ChannelName => (CHANNELS as readonly string[]).includes(name);
