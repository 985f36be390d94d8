/**
 * The one IPC contract: every request the renderer may send, its zod schema
 * (validated in main before any handler runs) and its response type.
 * The preload and the end-to-end bridge build `window.api` from CHANNELS, so
 * adding a request here is the only way to widen the surface.
 */
import { z } from 'zod';
import type {
  ActionStatusRecord,
  AppInfo,
  AssessmentRecord,
  AuditRecord,
  BackupInfo,
  Commune,
  Departement,
  IndicatorValueRecord,
  Period,
  Qrr,
  ReportRecord,
  ReportVerdict,
  DemoSummaryDto,
  Settings,
  TrustedRoot,
} from '../domain/types';
import type { ReportModel } from '../report/report-model';
import type { ActionGridLoad, IndicatorGridLoad, QrrNames } from '../domain/followup-grid';
import type { SigningSetup, TokenCertificateDto } from '../domain/signing';
import type { TimestampSettings, TsaTestResult } from '../domain/timestamp';
import { SANS_OBJET_ITEM_TYPES, type SansObjetState } from '../domain/sans-objet';
import type { IndicatorTarget } from '../domain/targets';
import type { Engagement } from '../referential/types';
import {
  TRANSFER_MAX_ARCHIVE_BYTES,
  TRANSFER_TOO_LARGE_MESSAGE,
  type TransferExportDto,
  type TransferRestoreDto,
} from '../transfer/transfer';
import type { Result } from './result';
import type { ChannelName } from './channels';
import { fipdContract, SubsidyFiltersSchema } from './contract-fipd';
import { base64, channel, Id, PeriodCode, requiredText, text, Via, type Channel, type Exact } from './schema-kit';
import { exchangeContract, type OpenedFileDto } from './contract-exchange';
export { PeriodCode } from './schema-kit';
export { PREVIEW_PAGE_MAX, type ExchangeLinesPageDto, type ExchangePreviewDto, type ImportSummaryDto, type OpenedFileDto } from './contract-exchange';
export { WRITE_VIAS } from './schema-kit';
import { FOLLOWUP_TEXT_MAX, followupTextLabel } from '../domain/followup-limits';
import { QRR_NAME_MAX, PERSON_NAME_MAX, MAX_COMMUNES_PER_QRR, MAX_QPV_PER_QRR } from '../domain/qrr';
import { ACTION_STATUSES, METEOS, QRR_WAVES, SECURITY_ZONES, TRENDS } from '../domain/types';


const P12_MAX = 200 * 1024;

/** An RFC 3161 time-stamp authority: http(s) only (checked again, in French, by the service). */
const TsaUrl = z
  .string({ error: "L'adresse de l'autorité d'horodatage est invalide." })
  .max(500, "L'adresse de l'autorité d'horodatage est trop longue.")
  .regex(/^https?:\/\/\S+$/i, "L'adresse de l'autorité d'horodatage doit commencer par http:// ou https://.");
const PDF_MAX = 30 * 1024 * 1024;

const SignatureLayout = {
  title: text('La qualité du signataire', PERSON_NAME_MAX).optional(),
  visible: z.boolean(),
  /** The user chose to sign without the configured time-stamp (after the TSA failed). */
  withoutTimestamp: z.boolean().optional(),
};
/** A .p12 / .pfx: its bytes (chosen in the page) or its path on this workstation (remembered); the password is used once. */
const P12Signature = z
  .strictObject({
    p12Base64: base64('Le certificat', P12_MAX).optional(),
    p12Path: z.string({ error: 'Chemin du certificat invalide.' }).min(1, 'Indiquez le fichier du certificat.').max(1000, 'Chemin du certificat trop long.').optional(),
    password: z.string({ error: 'Le mot de passe est invalide.' }).max(500, 'Le mot de passe est trop long.'),
    ...SignatureLayout,
  })
  .refine((s) => (s.p12Base64 === undefined) !== (s.p12Path === undefined), { error: 'Choisissez le fichier du certificat (.p12 ou .pfx).' });
/** A certificate on a card / USB token (module from Paramètres); the PIN is used once. */
const TokenSignature = z.strictObject({
  token: z.strictObject({
    slot: z.number().int().min(0).optional(),
    tokenLabel: z.string().max(64).optional(),
    tokenSerial: z.string().max(64).optional(),
    certificateId: z.string().regex(/^[0-9a-f]{0,256}$/i, 'Identifiant de certificat invalide.'),
  }),
  pin: z.string({ error: 'Le code PIN est invalide.' }).min(1, 'Tapez le code PIN de la carte.').max(256, 'Le code PIN est trop long.'),
  ...SignatureLayout,
});

const NoRequest = z.undefined().or(z.strictObject({})).transform(() => undefined);

export const DepartementCode = z
  .string({ error: 'Code de département invalide.' })
  .regex(/^(\d{2}|2A|2B|97\d|98\d)$/, 'Code de département invalide.');

export const InseeCode = z
  .string({ error: 'Code commune invalide.' })
  .regex(/^(\d{5}|2[AB]\d{3})$/, 'Code commune INSEE invalide (5 caractères attendus).');

const Communes = z
  .array(InseeCode, { error: 'La liste des communes est invalide.' })
  .max(MAX_COMMUNES_PER_QRR, `Un quartier ne peut pas compter plus de ${MAX_COMMUNES_PER_QRR} communes.`);

export const SaveSettingsRequest = z.strictObject({
  departementCode: DepartementCode,
  prefetName: text('Le nom du préfet', PERSON_NAME_MAX),
  coordinatorName: text('Le nom du coordinateur', PERSON_NAME_MAX),
});

const QrrFields = {
  name: requiredText('Le nom du quartier', QRR_NAME_MAX),
  communes: Communes,
  qpvCodes: z
    .array(z.string({ error: 'Code QPV invalide.' }).max(16, 'Code QPV invalide.'), { error: 'La liste des QPV est invalide.' })
    .max(MAX_QPV_PER_QRR, `Un quartier ne peut pas compter plus de ${MAX_QPV_PER_QRR} QPV.`),
  securityZone: z.enum(SECURITY_ZONES, { error: 'Zone de sécurité inconnue (police ou gendarmerie).' }).nullable(),
  wave: z.enum(QRR_WAVES, { error: 'Vague inconnue (2018, 2019 ou 2020-2021).' }).nullable(),
  deleguePrefet: text('Le nom du délégué du préfet', PERSON_NAME_MAX),
  referents: text('Les référents', 2000),
  population: z
    .number({ error: 'La population doit être un nombre.' })
    .int('La population doit être un nombre entier.')
    .min(0, 'La population ne peut pas être négative.')
    .max(10_000_000, 'La population semble trop grande.')
    .nullable(),
  notes: text('Les notes', 5000),
};

/** Creation: name and communes required, the rest may come later. */
export const CreateQrrRequest = z.strictObject({
  ...QrrFields,
  qpvCodes: QrrFields.qpvCodes.default([]),
  securityZone: QrrFields.securityZone.default(null),
  wave: QrrFields.wave.default(null),
  deleguePrefet: QrrFields.deleguePrefet.default(''),
  referents: QrrFields.referents.default(''),
  population: QrrFields.population.default(null),
  notes: QrrFields.notes.default(''),
});

/** Update: only the fields sent change (a client that knows fewer fields never wipes the others). */
export const UpdateQrrRequest = z.strictObject({ id: Id, ...QrrFields }).partial().required({ id: true });


const ReferentialCode = z.string({ error: 'Code invalide.' }).max(16, 'Code invalide.');

/** A typed indicator value is checked against its indicator's kind in main (shared/domain/indicator-values.ts). */
const IndicatorPayload = z
  .record(z.string().max(40), z.union([z.number(), z.boolean(), z.string().max(2000), z.null()]), {
    error: "La valeur de l'indicateur est invalide.",
  })
  .nullable();


const MAX_BATCH = 5000;
const batch = <T extends z.ZodType>(item: T) =>
  z.array(item, { error: 'La liste des modifications est invalide.' }).min(1, 'Aucune modification à enregistrer.').max(MAX_BATCH, `Pas plus de ${MAX_BATCH} modifications à la fois.`);

export const SaveIndicatorValuesRequest = z.strictObject({
  periodCode: PeriodCode,
  via: Via,
  changes: batch(
    z.strictObject({
      qrrId: Id,
      indicatorCode: ReferentialCode,
      value: IndicatorPayload.optional(),
      target: IndicatorPayload.optional(),
      comment: text(followupTextLabel('comment'), FOLLOWUP_TEXT_MAX.comment).optional(),
      source: text(followupTextLabel('source'), FOLLOWUP_TEXT_MAX.source).optional(),
    }),
  ),
});

export const SaveActionStatusesRequest = z.strictObject({
  periodCode: PeriodCode,
  via: Via,
  changes: batch(
    z.strictObject({
      qrrId: Id,
      actionCode: ReferentialCode,
      status: z.enum(ACTION_STATUSES, { error: 'Statut inconnu (non engagée, en cours, réalisée ou sans objet).' }).nullable().optional(),
      comment: text(followupTextLabel('comment'), FOLLOWUP_TEXT_MAX.comment).optional(),
      referent: text(followupTextLabel('referent'), FOLLOWUP_TEXT_MAX.referent).optional(),
    }),
  ),
});

export const SaveAssessmentRequest = z.strictObject({
  periodCode: PeriodCode,
  via: Via,
  qrrId: Id,
  engagementCode: ReferentialCode,
  meteo: z.enum(METEOS, { error: 'Météo inconnue (soleil, couvert, nuage, orage ou non renseignée).' }).optional(),
  trend: z.enum(TRENDS, { error: 'Tendance inconnue (hausse, baisse ou stagnation).' }).nullable().optional(),
  comment: text(followupTextLabel('assessmentComment'), FOLLOWUP_TEXT_MAX.assessmentComment).optional(),
  obstacles: text(followupTextLabel('obstacles'), FOLLOWUP_TEXT_MAX.obstacles).optional(),
  nextSteps: text(followupTextLabel('nextSteps'), FOLLOWUP_TEXT_MAX.nextSteps).optional(),
  successes: text(followupTextLabel('successes'), FOLLOWUP_TEXT_MAX.successes).optional(),
});

const IsoDate = z
  .string({ error: 'Date invalide.' })
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'Date invalide (jj/mm/aaaa).')
  .nullable();
const TargetFigure = z.number({ error: 'La valeur doit être un nombre.' }).min(-1e12, 'Valeur trop petite.').max(1e12, 'Valeur trop grande.').nullable();

/** « Sans objet » for one QRR × indicator or action: `sansObjet` false lifts a proposal. */
export const SaveSansObjetRequest = z.strictObject({
  qrrId: Id,
  itemType: z.enum(SANS_OBJET_ITEM_TYPES, { error: 'Élément inconnu (indicateur ou action).' }),
  code: ReferentialCode,
  sansObjet: z.boolean(),
  reason: text('Le motif', 500),
});

/** Baseline and target of one QRR × indicator (on the indicator's headline figure). */
export const SaveTargetRequest = z.strictObject({
  qrrId: Id,
  indicatorCode: ReferentialCode,
  initialValue: TargetFigure,
  initialDate: IsoDate,
  targetValue: TargetFigure,
  targetDeadline: IsoDate,
});

const FollowupQuery = z.strictObject({ periodCode: PeriodCode, qrrId: Id.optional() });
/** A grid's quartiers: those shown (one, or all side by side; a national base has about 1,600). */
const GRID_MAX_QRRS = 5000;
const GridQuery = z.strictObject({
  periodCode: PeriodCode,
  qrrIds: z.array(Id, { error: 'Liste de quartiers invalide.' }).min(1, 'Choisissez au moins un quartier.').max(GRID_MAX_QRRS, 'Trop de quartiers demandés à la fois.'),
});

export const ListAuditRequest = z.strictObject({
  entity: z.string().max(40).optional(),
  entityId: z.string().max(120).optional(),
  search: z.string().max(200).optional(),
  osUser: z.string().max(120).optional(),
  from: z.iso.datetime({ error: 'Date de début invalide.' }).optional(),
  to: z.iso.datetime({ error: 'Date de fin invalide.' }).optional(),
  limit: z.number().int().min(1).max(1000).default(200),
  offset: z.number().int().min(0).default(0),
});


export const contract = {
  getAppInfo: channel<AppInfo>()(NoRequest),
  listDepartements: channel<readonly Departement[]>()(NoRequest),
  /** Communes of the configured département (QRRs cannot span départements). */
  listCommunes: channel<readonly Commune[]>()(NoRequest),
  getSettings: channel<Settings | null>()(NoRequest),
  saveSettings: channel<Settings>()(SaveSettingsRequest),
  listQrrs: channel<readonly Qrr[]>()(z.strictObject({ includeArchived: z.boolean() })),
  createQrr: channel<Qrr>()(CreateQrrRequest),
  updateQrr: channel<Qrr>()(UpdateQrrRequest),
  archiveQrr: channel<Qrr>()(z.strictObject({ id: Id })),
  /** Only a QRR without any entered data; otherwise it is archived. */
  deleteQrr: channel<{ readonly deleted: number }>()(z.strictObject({ id: Id })),
  restoreQrr: channel<Qrr>()(z.strictObject({ id: Id })),
  getReferential: channel<{ readonly version: number; readonly engagements: readonly Engagement[] }>()(NoRequest),
  listPeriods: channel<readonly Period[]>()(NoRequest),
  /** Creates the quarter if needed (idempotent). */
  openPeriod: channel<Period>()(z.strictObject({ code: PeriodCode })),
  /** Through the transmission check: refused while something is missing, unless `confirmIncomplete` (electron/services/transmission.ts). */
  transmitPeriod: channel<Period>()(z.strictObject({ code: PeriodCode, confirmIncomplete: z.boolean().default(false) })),
  reopenPeriod: channel<Period>()(z.strictObject({ code: PeriodCode, reason: text('Le motif', 1000) })),
  listIndicatorValues: channel<readonly IndicatorValueRecord[]>()(FollowupQuery),
  saveIndicatorValues: channel<readonly IndicatorValueRecord[]>()(SaveIndicatorValuesRequest),
  listActionStatuses: channel<readonly ActionStatusRecord[]>()(FollowupQuery),
  saveActionStatuses: channel<readonly ActionStatusRecord[]>()(SaveActionStatusesRequest),
  listAssessments: channel<readonly AssessmentRecord[]>()(FollowupQuery),
  /** The Indicateurs grid: the quartiers shown only, as columns, with the quarter before (shared/domain/followup-grid.ts). */
  loadIndicatorGrid: channel<IndicatorGridLoad>()(GridQuery),
  /** The active quartiers' ids and names, as columns: the grids' quartier choice. */
  listQrrNames: channel<QrrNames>()(NoRequest),
  /** The Actions grid, likewise. */
  loadActionGrid: channel<ActionGridLoad>()(GridQuery),
  saveAssessment: channel<AssessmentRecord | null>()(SaveAssessmentRequest),
  /** « Sans objet » of every QRR: proposed from its characteristics, or decided (electron/services/results.ts). */
  listSansObjet: channel<readonly SansObjetState[]>()(NoRequest),
  saveSansObjet: channel<readonly SansObjetState[]>()(SaveSansObjetRequest),
  /** Baselines and targets per QRR × indicator; the circular's own targets proposed where it states one. */
  listTargets: channel<readonly IndicatorTarget[]>()(NoRequest),
  saveTarget: channel<IndicatorTarget>()(SaveTargetRequest),
  listBackups: channel<readonly BackupInfo[]>()(NoRequest),
  backupNow: channel<BackupInfo>()(NoRequest),
  /** Restores a backup of the backups folder; the current state is backed up first. */
  restoreBackup: channel<{ readonly restoredFrom: string; readonly safetyBackup: string | null }>()(
    z.strictObject({ name: z.string({ error: 'Sauvegarde invalide.' }).regex(/^qrr-[\w-]+\.sqlite$/, 'Sauvegarde invalide.') }),
  ),
  /** Everything the dashboard and the report show for a quarter (shared/report/report-model.ts). */
  getReportModel: channel<ReportModel>()(z.strictObject({ periodCode: PeriodCode })),
  /**
   * Produces the report in the « rapports » folder beside the database; signed with the
   * certificate sent (its password is used once, never stored); optionally transmits the quarter.
   */
  generateReport: channel<ReportRecord & { readonly path: string; readonly pages: number }>()(
    z.strictObject({
      periodCode: PeriodCode,
      signature: z.union([P12Signature, TokenSignature]).optional(),
      transmit: z.boolean(),
      /** With `transmit`: the user confirmed transmitting although something is missing. */
      confirmIncomplete: z.boolean().default(false),
    }),
    { maxBytes: P12_MAX * 2 },
  ),
  /** The PKCS#11 module set for this user, the usual modules found on this workstation, the certificate last used. */
  getSigningSetup: channel<SigningSetup>()(NoRequest),
  /** Sets (or clears, null) the PKCS#11 module of the card's middleware; journaled. */
  setPkcs11Module: channel<SigningSetup>()(
    z.strictObject({ modulePath: z.string({ error: 'Chemin du module invalide.' }).max(1000, 'Chemin du module trop long.').nullable() }),
  ),
  /** The signing certificates of the cards / USB tokens inserted, through the module set in Paramètres (no PIN needed). */
  listTokenCertificates: channel<readonly TokenCertificateDto[]>()(NoRequest),
  listReports: channel<readonly ReportRecord[]>()(z.strictObject({ periodCode: PeriodCode.optional() })),
  /** Checks a report PDF chosen by the user: signature, integrity, coverage, trust, attached data. */
  verifyReport: channel<ReportVerdict>()(z.strictObject({ pdfBase64: base64('Le fichier PDF', PDF_MAX) }), { maxBytes: PDF_MAX * 2 }),
  listTrustedRoots: channel<readonly TrustedRoot[]>()(NoRequest),
  addTrustedRoot: channel<TrustedRoot>()(z.strictObject({ certificateBase64: base64('Le certificat', 64 * 1024) }), { maxBytes: 200 * 1024 }),
  removeTrustedRoot: channel<{ readonly removed: string }>()(
    z.strictObject({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'Empreinte invalide.') }),
  ),
  /** The time-stamp authority of signatures (PAdES B-T); the only host the application may contact. */
  getTimestampSettings: channel<TimestampSettings>()(NoRequest),
  saveTimestampSettings: channel<TimestampSettings>()(z.strictObject({ tsaUrl: TsaUrl.nullable() })),
  /** Asks the TSA for a token now and says what happened (nothing is saved). */
  testTimestampAuthority: channel<TsaTestResult>()(z.strictObject({ tsaUrl: TsaUrl })),
  /** Fills an empty database with the fictional demonstration dataset (3 QRRs, 8 quarters). */
  installDemo: channel<DemoSummaryDto>()(NoRequest),
  listAudit: channel<{ readonly rows: readonly AuditRecord[]; readonly total: number }>()(ListAuditRequest),
  /** Exchange files and the national consolidation (shared/ipc/contract-exchange.ts). */
  ...exchangeContract,
  /** FIPD credits: envelopes, subsidies, payments, ledger (shared/ipc/contract-fipd.ts). */
  ...fipdContract,
  /** The subsidies shown, as CSV or .xlsx in the « exports » folder beside the database. */
  exportSubsidies: channel<{ readonly path: string; readonly fileName: string; readonly lines: number }>()(
    z.strictObject({ filters: SubsidyFiltersSchema.optional(), format: z.enum(['csv', 'xlsx'], { error: 'Format inconnu (csv ou xlsx).' }) }),
  ),
  /**
   * The next file waiting to be opened (double click on a `.qrr`, second instance,
   * menu Fichier › Importer…), read by main and removed from its queue; null when none.
   * No request: the renderer can only take what main queued, never name a path.
   */
  takeOpenedFile: channel<OpenedFileDto | null>()(NoRequest),
  /**
   * « Exporter tout »: the database (consistent copy), reports, exports and trusted roots in one
   * `.qrrsauv` archive in the « exports » folder, with a manifest of every file's SHA-256. Backups are not included.
   */
  exportEverything: channel<TransferExportDto>()(NoRequest),
  /**
   * « Restaurer » such an archive on this workstation: everything is checked before anything changes; the
   * database is replaced after a safety backup, the other files added (never overwritten).
   */
  restoreEverything: channel<TransferRestoreDto>()(
    z.strictObject({
      archiveBase64: z
        .string({ error: "L'archive est invalide." })
        .max(Math.ceil((TRANSFER_MAX_ARCHIVE_BYTES * 4) / 3) + 4, TRANSFER_TOO_LARGE_MESSAGE)
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, "L'archive est invalide."),
      /** Replace a database that follows QRRs of another département (asked for after a first refusal). */
      confirmOtherDepartement: z.boolean().optional(),
      /** For the audit trail and the messages. */
      fileName: text('Le nom du fichier', 255).optional(),
    }),
    // A little above the limit, so an archive just over it gets the message above rather than a generic refusal.
    { maxBytes: Math.ceil((TRANSFER_MAX_ARCHIVE_BYTES * 4) / 3) + 1024 * 1024 },
  ),
} as const satisfies { readonly [C in ChannelName]: Channel<z.ZodType, unknown> };

// Both directions: CHANNELS (used by the preload, which must not bundle zod) lists exactly the contract's keys.
const channelsMatchContract: Exact<keyof typeof contract, ChannelName> = true;
void channelsMatchContract;

export type Contract = typeof contract;
export { CHANNELS, CHANNEL_PREFIX, isChannelName, type ChannelName } from './channels';
export type RequestOf<C extends ChannelName> = z.input<Contract[C]['request']>;
export type ParsedRequestOf<C extends ChannelName> = z.output<Contract[C]['request']>;
export type ResponseOf<C extends ChannelName> = Contract[C]['response'];

/**
 * What `window.api` looks like: one method per channel, each resolving to the
 * envelope. A request whose schema accepts `undefined` may be called without argument.
 */
export type Api = {
  readonly [C in ChannelName]: undefined extends RequestOf<C>
    ? (request?: RequestOf<C>) => Promise<Result<ResponseOf<C>>>
    : (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
};
