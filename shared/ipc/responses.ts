/**
 * What main answers, as zod schemas beside the contract's response types: the
 * renderer trusts these answers, so tests/integration/ipc-responses.test.ts
 * drives every channel over a real database and parses each answer with its
 * schema. Records and settings are described field by field (strict: an
 * unexpected field is a finding); the large read models (report model,
 * national summary, import preview, FIPD ledger, référentiel) by the fields
 * the screens rely on first, the rest being checked by their own tests.
 * Main builds its answers from typed code and does not parse them at run time.
 */
import { z } from 'zod';
import { PERIOD_STATES } from '../domain/period';
import { SANS_OBJET_ITEM_TYPES } from '../domain/sans-objet';
import { ACTION_GRID_FIELDS, ACTION_PREVIOUS_FIELDS, INDICATOR_GRID_FIELDS, INDICATOR_PREVIOUS_FIELDS } from '../domain/followup-grid';
import { ACTION_STATUSES, METEOS, QRR_WAVES, SECURITY_ZONES, TRENDS } from '../domain/types';
import type { ChannelName } from './channels';

const nullableText = z.string().nullable();
const count = z.number().int().min(0);
const id = z.number().int().positive();
const instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const periodCode = z.string().regex(/^\d{4}-T[1-4]$/);
const cents = z.number().int();
const written = z.strictObject({ path: z.string().min(1), fileName: z.string().min(1) });

const Departement = z.strictObject({ code: z.string(), nom: z.string(), region: z.string(), zone: z.enum(['metro', 'drom', 'com']), typeLiaison: z.number() });
const Commune = z.strictObject({ code: z.string().length(5), nom: z.string(), population: z.number().nullable() });
const Settings = z.strictObject({
  departementCode: z.string(),
  departementNom: z.string(),
  prefetTitle: z.string(),
  prefetName: z.string(),
  coordinatorName: z.string(),
  updatedAt: instant,
});
const Qrr = z.strictObject({
  id,
  name: z.string().min(1),
  communes: z.array(z.strictObject({ code: z.string(), nom: z.string() })),
  qpvCodes: z.array(z.string()),
  securityZone: z.enum(SECURITY_ZONES).nullable(),
  wave: z.enum(QRR_WAVES).nullable(),
  deleguePrefet: z.string(),
  referents: z.string(),
  population: z.number().nullable(),
  notes: z.string(),
  hasData: z.boolean(),
  archivedAt: instant.nullable(),
  createdAt: instant,
  updatedAt: instant,
});
const Period = z.strictObject({
  code: periodCode,
  label: z.string(),
  state: z.enum(PERIOD_STATES),
  createdAt: instant,
  transmittedAt: instant.nullable(),
  reopenedAt: instant.nullable(),
  reopenReason: nullableText,
});
const Payload = z.record(z.string(), z.union([z.number(), z.boolean(), z.string(), z.null()]));
const IndicatorValueRecord = z.strictObject({
  qrrId: id,
  indicatorCode: z.string(),
  periodCode,
  value: Payload.nullable(),
  target: Payload.nullable(),
  comment: z.string(),
  source: z.string(),
  updatedAt: instant,
  updatedBy: z.string(),
  computed: z.boolean().optional(),
});
const ActionStatusRecord = z.strictObject({
  qrrId: id,
  actionCode: z.string(),
  periodCode,
  status: z.enum(ACTION_STATUSES).nullable(),
  comment: z.string(),
  referent: z.string(),
  updatedAt: instant,
  updatedBy: z.string(),
});
/** Records sent as columns (shared/domain/followup-grid.ts): one array per field, all of the same length. */
const columnsOf = <S extends z.ZodRawShape, K extends keyof S & string>(shape: S, keys: readonly K[]) =>
  z
    .strictObject(Object.fromEntries(keys.map((k) => [k, z.array(shape[k] as z.ZodType)])) as { [P in K]: z.ZodArray<S[P] extends z.ZodType ? S[P] : never> })
    .refine((c) => new Set(Object.values(c as Record<string, unknown[]>).map((a) => a.length)).size <= 1, { error: 'Colonnes de longueurs différentes.' });
const gridLoad = <C extends z.ZodType, P extends z.ZodType>(current: C, previous: P) =>
  z.strictObject({ periodCode, previousCode: periodCode.nullable(), current, previous });
const IndicatorGridLoad = gridLoad(
  columnsOf({ ...IndicatorValueRecord.shape, computed: z.boolean() }, INDICATOR_GRID_FIELDS),
  columnsOf(IndicatorValueRecord.shape, INDICATOR_PREVIOUS_FIELDS),
).extend({ sansObjet: columnsOf({ qrrId: id, code: z.string(), reason: z.string().min(1) }, ['qrrId', 'code', 'reason']) });
const QrrNames = columnsOf({ id, name: z.string().min(1) }, ['id', 'name']);
const ActionGridLoad = gridLoad(columnsOf(ActionStatusRecord.shape, ACTION_GRID_FIELDS), columnsOf(ActionStatusRecord.shape, ACTION_PREVIOUS_FIELDS));
const AssessmentRecord = z.strictObject({
  qrrId: id,
  engagementCode: z.string(),
  periodCode,
  meteo: z.enum(METEOS),
  trend: z.enum(TRENDS).nullable(),
  comment: z.string(),
  commentAuthor: z.string(),
  commentDate: instant.nullable(),
  obstacles: z.string().optional(),
  nextSteps: z.string().optional(),
  successes: z.string().optional(),
  updatedAt: instant,
  updatedBy: z.string(),
});
const SansObjetState = z.strictObject({
  qrrId: id,
  itemType: z.enum(SANS_OBJET_ITEM_TYPES),
  code: z.string(),
  sansObjet: z.boolean(),
  reason: z.string(),
  origin: z.enum(['propose', 'saisi']),
  proposal: nullableText,
});
const IndicatorTarget = z.strictObject({
  qrrId: id,
  indicatorCode: z.string(),
  initialValue: z.number().nullable(),
  initialDate: isoDate.nullable(),
  targetValue: z.number().nullable(),
  targetDeadline: isoDate.nullable(),
  origin: z.enum(['circulaire', 'saisie']),
  quote: nullableText,
  stored: z.boolean(),
});
const BackupInfo = z.strictObject({ name: z.string().regex(/^qrr-[\w-]+\.sqlite$/), at: instant, reason: z.string(), sizeBytes: count });
const ReportRecord = z.strictObject({
  id,
  periodCode,
  generatedAt: instant,
  fileName: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: count,
  signed: z.boolean(),
  signer: z.string(),
  transmitted: z.boolean(),
  generatedBy: z.string(),
});
const TimestampVerdict = z.strictObject({ time: z.string(), tsa: nullableText, imprintMatches: z.boolean(), trusted: z.boolean() });
const ReportVerdict = z.strictObject({
  status: z.enum(['valid', 'invalid', 'unsigned']),
  signed: z.boolean(),
  signer: nullableText,
  signingTime: nullableText,
  coversWholeFile: z.boolean(),
  intact: z.boolean(),
  trusted: z.boolean(),
  signatureAlgorithm: nullableText,
  certificate: z
    .strictObject({
      checkedAt: z.string(),
      checkedAtSource: z.enum(['declared', 'timestamp', 'verification']),
      expired: z.boolean(),
      notYetValid: z.boolean(),
      keyUsageAllowsSigning: z.boolean(),
    })
    .nullable(),
  chain: z.array(z.string()),
  attachment: z.strictObject({ departement: z.string(), period: z.string(), trusted: z.boolean() }).nullable(),
  problems: z.array(z.string()),
  timestamp: TimestampVerdict.nullable(),
});
/** Also the shape of the remembered choice in the signing preferences file (electron/services/signing-preferences.ts). */
export const SigningChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('p12'), path: z.string() }),
  z.strictObject({
    kind: z.literal('pkcs11'),
    modulePath: z.string(),
    slot: z.number().nullable(),
    tokenLabel: z.string(),
    tokenSerial: z.string(),
    certificateId: z.string(),
    certificateLabel: z.string(),
    subject: z.string(),
  }),
]);
const SigningSetup = z.strictObject({ pkcs11ModulePath: nullableText, lastChoice: SigningChoiceSchema.nullable(), proposedModules: z.array(z.string()) });
const TokenCertificate = z.strictObject({
  slot: z.number().int(),
  tokenLabel: z.string(),
  tokenSerial: z.string(),
  tokenDescription: z.string(),
  label: z.string(),
  id: z.string(),
  subject: z.string(),
  issuer: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  keyAlgorithm: z.enum(['RSA', 'ECDSA']).nullable(),
});
const TrustedRoot = z.strictObject({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/), subject: z.string(), validTo: z.string() });
const TimestampSettings = z.strictObject({ tsaUrl: nullableText });
const AuditRecord = z.strictObject({
  id,
  at: instant,
  osUser: z.string(),
  origin: z.string(),
  entity: z.string(),
  entityId: z.string(),
  action: z.string(),
  field: nullableText,
  oldValue: z.unknown(),
  newValue: z.unknown(),
});
const DemoSummary = z.strictObject({ qrrs: count, periods: count, indicatorValues: count, actionStatuses: count, assessments: count, subsidies: count, payments: count });
const ImportSummary = z.strictObject({
  applied: z.strictObject({ new: count, theirs: count }),
  keptMine: count,
  identical: count,
  locked: count,
  refused: count,
  qrrsCreated: count,
  periodsOpened: count,
  periodsTransmitted: count,
  fipd: z.strictObject({ envelopes: count, subsidiesCreated: count, subsidiesUpdated: count, payments: count }),
  backupFile: z.string(),
  message: z.string().min(1),
});
const EnvelopeRecord = z.strictObject({
  qrrId: id,
  budgetYear: z.number().int(),
  source: z.string(),
  amountCents: cents,
  decidedOn: isoDate.nullable(),
  comment: z.string(),
  overEnvelopeReason: nullableText,
  updatedAt: instant,
  updatedBy: z.string(),
});
const PaymentRecord = z.strictObject({
  id,
  subsidyId: id,
  paidOn: isoDate,
  amountCents: cents,
  kind: z.string(),
  comment: z.string(),
  createdAt: instant,
});
const SubsidyFlag = z.strictObject({ code: z.string(), message: z.string().min(1) });
/** The subsidy's own fields are many (shared/domain/fipd.ts SubsidyFields): the identity, amounts and payments here. */
const SubsidyRecord = z.looseObject({
  id,
  budgetYear: z.number().int(),
  qrrId: id,
  beneficiaryName: z.string(),
  requestedCents: cents,
  grantedCents: cents,
  overEnvelopeReason: nullableText,
  createdAt: instant,
  updatedAt: instant,
  payments: z.array(PaymentRecord),
  paidCents: cents,
  flags: z.array(SubsidyFlag),
});
const OpenedFile = z.strictObject({ fileName: z.string(), contentBase64: z.string() });
const TransferExport = z.strictObject({ path: z.string(), fileName: z.string(), bytes: count, files: count, skipped: z.array(z.string()) });
const TransferRestore = z.looseObject({
  message: z.string().min(1),
  departement: z.strictObject({ code: z.string(), nom: z.string() }).nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  qrrCount: count,
  safetyBackup: nullableText,
  files: z.looseObject({ written: count }),
});

/** Large read models: the parts every screen starts from. */
const Referential = z.strictObject({
  version: z.number().int().positive(),
  engagements: z.array(z.looseObject({ code: z.string(), title: z.string(), actions: z.array(z.looseObject({ code: z.string() })), indicators: z.array(z.looseObject({ code: z.string() })) })).min(1),
});
const ReportModel = z.looseObject({
  referentialVersion: z.number().int().positive(),
  period: z.looseObject({ code: periodCode, label: z.string(), state: z.enum(PERIOD_STATES) }),
  departement: z.looseObject({ code: z.string(), nom: z.string() }),
  qrrs: z.array(z.looseObject({ id })),
  missing: z.looseObject({ ready: z.boolean(), summary: z.array(z.string()) }),
});
const NationalModel = z.looseObject({ period: z.looseObject({ code: periodCode, label: z.string() }), departements: z.array(z.looseObject({ code: z.string() })).min(1) });
const ExchangePreview = z.looseObject({
  departement: z.strictObject({ code: z.string(), nom: z.string() }),
  exportedAt: instant,
  qrrs: z.array(z.strictObject({ key: z.string(), name: z.string(), localId: id.nullable() })),
  periods: z.array(z.strictObject({ code: periodCode, theirState: z.enum(PERIOD_STATES), localState: z.enum(PERIOD_STATES).nullable() })),
  counts: z.strictObject({ new: count, identical: count, conflict: count, locked: count, refused: count }),
  fileName: z.string(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  source: z.looseObject({ kind: z.enum(['qrr', 'pdf', 'xlsx']) }),
  previewId: z.string().min(1),
  filters: z.strictObject({ qrrs: z.array(z.strictObject({ key: z.string(), name: z.string() })), periods: z.array(z.string()) }),
});
const PreviewCellSide = z.strictObject({ value: z.unknown(), updatedAt: z.string().nullable(), updatedBy: z.string() });
const ExchangeLinesPage = z.strictObject({
  lines: z.array(
    z.looseObject({
      key: z.string().min(1),
      table: z.string(),
      qrrKey: z.string(),
      qrrName: z.string(),
      qrrId: id.nullable(),
      code: z.string(),
      periodCode: z.string(),
      field: z.string(),
      kind: z.enum(['new', 'identical', 'conflict', 'locked', 'refused']),
      mine: PreviewCellSide.nullable(),
      theirs: PreviewCellSide,
    }),
  ),
  total: count,
  keys: z.array(z.string()).optional(),
});
const FipdLedger = z.looseObject({ budgetYear: z.number().int().nullable(), today: isoDate, totals: z.looseObject({ bySource: z.array(z.looseObject({})), byQrr: z.array(z.looseObject({ qrrId: id })) }), flags: z.array(z.strictObject({ subsidyId: id, flags: z.array(SubsidyFlag) })) });

export const responseSchemas = {
  getAppInfo: z.strictObject({
    appVersion: z.string(),
    schemaVersion: z.number().int().positive(),
    databasePath: z.string(),
    backupDir: z.string(),
    reportsDir: z.string(),
    exportsDir: z.string(),
    trustedRootsDir: z.string(),
  }),
  listDepartements: z.array(Departement).min(100),
  listCommunes: z.array(Commune),
  getSettings: Settings.nullable(),
  saveSettings: Settings,
  listQrrs: z.array(Qrr),
  createQrr: Qrr,
  updateQrr: Qrr,
  archiveQrr: Qrr,
  deleteQrr: z.strictObject({ deleted: id }),
  restoreQrr: Qrr,
  getReferential: Referential,
  listPeriods: z.array(Period),
  openPeriod: Period,
  transmitPeriod: Period,
  reopenPeriod: Period,
  listIndicatorValues: z.array(IndicatorValueRecord),
  saveIndicatorValues: z.array(IndicatorValueRecord),
  listActionStatuses: z.array(ActionStatusRecord),
  saveActionStatuses: z.array(ActionStatusRecord),
  listAssessments: z.array(AssessmentRecord),
  loadIndicatorGrid: IndicatorGridLoad,
  listQrrNames: QrrNames,
  loadActionGrid: ActionGridLoad,
  saveAssessment: AssessmentRecord.nullable(),
  listSansObjet: z.array(SansObjetState),
  saveSansObjet: z.array(SansObjetState),
  listTargets: z.array(IndicatorTarget),
  saveTarget: IndicatorTarget,
  listBackups: z.array(BackupInfo),
  backupNow: BackupInfo,
  restoreBackup: z.strictObject({ restoredFrom: z.string(), safetyBackup: nullableText }),
  getReportModel: ReportModel,
  generateReport: ReportRecord.extend({ path: z.string(), pages: z.number().int().positive() }),
  listReports: z.array(ReportRecord),
  verifyReport: ReportVerdict,
  getSigningSetup: SigningSetup,
  setPkcs11Module: SigningSetup,
  listTokenCertificates: z.array(TokenCertificate),
  listTrustedRoots: z.array(TrustedRoot),
  addTrustedRoot: TrustedRoot,
  removeTrustedRoot: z.strictObject({ removed: z.string().regex(/^[0-9a-f]{64}$/) }),
  getTimestampSettings: TimestampSettings,
  saveTimestampSettings: TimestampSettings,
  testTimestampAuthority: z.strictObject({ time: z.string(), tsa: nullableText, trusted: z.boolean(), message: z.string() }),
  installDemo: DemoSummary,
  listAudit: z.strictObject({ rows: z.array(AuditRecord), total: count }),
  exportExchange: written,
  previewExchange: ExchangePreview,
  previewExchangeLines: ExchangeLinesPage,
  applyExchange: ImportSummary,
  listEnvelopes: z.array(EnvelopeRecord),
  setEnvelope: EnvelopeRecord.nullable(),
  listSubsidies: z.array(SubsidyRecord),
  saveSubsidy: SubsidyRecord,
  saveSubsidies: z.array(SubsidyRecord),
  deleteSubsidy: z.strictObject({ deleted: id }),
  addPayment: SubsidyRecord,
  deletePayment: SubsidyRecord,
  getLedger: FipdLedger,
  exportSubsidies: written.extend({ lines: count }),
  takeOpenedFile: OpenedFile.nullable(),
  consolidateExchanges: NationalModel,
  exportNationalReport: written.extend({ pages: z.number().int().positive() }),
  exportEverything: TransferExport,
  restoreEverything: TransferRestore,
} as const satisfies { readonly [C in ChannelName]: z.ZodType };
