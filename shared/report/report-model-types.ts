/**
 * The quarterly report's input (what load-report-data.ts reads from the
 * database) and its model (what the screen, the PDF and the attached JSON
 * show), as types: the shapes of report-model.ts, kept apart from the code
 * that computes them.
 *
 * Pure ECMAScript: imports only shared/ and zod.
 */
import { z } from 'zod';
import type { PeriodState } from '../domain/period';
import type { ActionStatus, ActionStatusRecord, AssessmentRecord, Departement, IndicatorValuePayload, IndicatorValueRecord, Meteo, SecurityZone, Settings, Trend } from '../domain/types';
import type { SansObjetState } from '../domain/sans-objet';
import type { IndicatorTarget } from '../domain/targets';
import type { EngagementLine, IndicatorResult } from './results-model';
import type { EngagementSeries } from './engagement-series';
import type { Engagement, IndicatorKind } from '../referential/types';


// ---------------------------------------------------------------------------
// Input

/** What was entered for one quarter. */
export interface ReportFollowup {
  readonly values: readonly IndicatorValueRecord[];
  readonly statuses: readonly ActionStatusRecord[];
  readonly assessments: readonly AssessmentRecord[];
}

export interface ReportQrrInput {
  readonly id: number;
  readonly name: string;
  /** Commune names, as shown. */
  readonly communes: readonly string[];
  readonly qpvCodes: readonly string[];
  readonly population: number | null;
  /** Archived QRRs appear when they hold data for the period; nothing is asked of them. */
  readonly archived: boolean;
  /** The délégué du préfet dedicated to the QRR's plan (circular, action 10-03). */
  readonly deleguePrefet?: string;
  readonly securityZone?: SecurityZone | null;
}

const cents = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * FIPD credits for the period: the slot the FIPD feature will fill. Empty by
 * default; nothing is ever invented here. Amounts in integer cents.
 */
export const ReportFipdInputSchema = z.strictObject({
  /** Delegated envelopes (AE), per QRR or for the whole département (qrrId null). */
  envelopes: z.array(
    z.strictObject({
      qrrId: z.number().int().positive().nullable(),
      label: z.string().max(200),
      delegatedCents: cents,
      committedCents: cents,
      paidCents: cents,
    }),
  ),
  /** Subsidies decided in the period. */
  subsidies: z.array(
    z.strictObject({
      qrrId: z.number().int().positive().nullable(),
      beneficiary: z.string().max(300),
      object: z.string().max(1000),
      /** Funding source (FIPD, BOP 147, FDVA…): the report lists FIPD credits apart from the others. */
      source: z.string().max(40).optional(),
      sourceLabel: z.string().max(100).optional(),
      grantedCents: cents,
      paidCents: cents,
    }),
  ),
});
export type ReportFipdInput = z.infer<typeof ReportFipdInputSchema>;
export const EMPTY_FIPD: ReportFipdInput = { envelopes: [], subsidies: [] };
export const FIPD_EMPTY_TEXT = 'Aucun crédit FIPD enregistré pour cette période.';

export interface ReportInput {
  readonly departement: Pick<Departement, 'code' | 'nom' | 'typeLiaison'>;
  readonly settings: Pick<Settings, 'prefetName' | 'coordinatorName'>;
  readonly referentialVersion: number;
  /** The référentiel, in its order. */
  readonly engagements: readonly Engagement[];
  /** The QRRs reported on, in display order. */
  readonly qrrs: readonly ReportQrrInput[];
  readonly period: { readonly code: string; readonly state: PeriodState; readonly transmittedAt: string | null };
  readonly current: ReportFollowup;
  /** The quarter before (`previousPeriod(period.code)`), null when it was never opened. */
  readonly previous: (ReportFollowup & { readonly code: string }) | null;
  /** Defaults to {@link EMPTY_FIPD}. */
  readonly fipd?: ReportFipdInput;
  /**
   * Indicator values of earlier quarters (up to 7 before), for year to date, yearly comparisons and charts;
   * their action statuses, when given, for each engagement's implementation over 8 quarters.
   */
  readonly history?: readonly { readonly code: string; readonly values: readonly IndicatorValueRecord[]; readonly statuses?: readonly ActionStatusRecord[] }[];
  /** « Sans objet » items of the QRRs (electron/services/results.ts); none by default. */
  readonly sansObjet?: readonly SansObjetState[];
  /** Baselines and targets per QRR × indicator; none by default. */
  readonly targets?: readonly IndicatorTarget[];
  /** Who signs the report (from the certificate, known at signing time); null for an unsigned export. */
  readonly signer?: string | null;
}

// ---------------------------------------------------------------------------
// Model

/** `count` out of `total`; `percent` is null when `total` is 0. */
export interface Ratio {
  readonly count: number;
  readonly total: number;
  readonly percent: number | null;
}

/** « Taux de mise en œuvre »: réalisée / (actions − sans objet). */
export interface Implementation extends Ratio {
  /** Actions per status; `null` = no status entered. */
  readonly byStatus: Readonly<Record<ActionStatus | 'non_renseigne', number>>;
}

export interface ReportAssessment {
  readonly assessed: boolean;
  readonly meteo: Meteo;
  readonly meteoLabel: string;
  readonly trend: Trend | null;
  readonly trendLabel: string | null;
  readonly comment: string;
  readonly commentAuthor: string;
  readonly commentDate: string | null;
}

export interface ChangeFigure {
  readonly key: string;
  readonly label: string;
  readonly delta: number;
  /** How `delta` reads: a count, euro cents, percentage points, points per thousand. */
  readonly unit: 'nombre' | 'centimes' | 'points' | 'pour_mille';
}

export interface IndicatorChange {
  readonly direction: 'hausse' | 'baisse' | 'stable' | 'modifie';
  /** « +3 », « +1 234,56 € », « +5,0 points », « Non engagé → En cours ». */
  readonly text: string;
  readonly figures: readonly ChangeFigure[];
}

export interface ReportIndicatorRow {
  readonly code: string;
  readonly label: string;
  readonly kind: IndicatorKind;
  readonly value: IndicatorValuePayload | null;
  readonly valueText: string;
  readonly complete: boolean;
  /** Something entered, but not every part. */
  readonly partial: boolean;
  readonly previousValue: IndicatorValuePayload | null;
  readonly previousText: string;
  readonly change: IndicatorChange | null;
  readonly target: IndicatorValuePayload | null;
  readonly targetText: string;
  readonly comment: string;
  readonly source: string;
  /** Why the indicator is « sans objet » in this QRR (then neither complete nor missing). */
  readonly sansObjetReason: string | null;
  /** Baseline and target of this QRR, with progress (headline figure, year to date for flows). */
  readonly goal: { readonly text: string; readonly progressText: string; readonly progress: number | null } | null;
}

export interface ReportActionRow {
  readonly code: string;
  readonly label: string;
  readonly status: ActionStatus | null;
  readonly statusLabel: string;
  readonly previousStatus: ActionStatus | null;
  readonly comment: string;
  readonly referent: string;
  /** Why the action is « sans objet » in this QRR, when it is for the whole QRR (not just this quarter). */
  readonly sansObjetReason: string | null;
}

export interface ReportQrrEngagement {
  readonly code: string;
  readonly title: string;
  readonly completeness: Ratio & { readonly missing: readonly string[] };
  readonly implementation: Implementation;
  readonly assessment: ReportAssessment;
  readonly indicators: readonly ReportIndicatorRow[];
  readonly actions: readonly ReportActionRow[];
}

/** A quartier as the report shows it: its identity (as input), then its figures. */
export interface ReportQrr extends Pick<ReportQrrInput, 'id' | 'name' | 'communes' | 'qpvCodes' | 'population' | 'archived'> {
  readonly deleguePrefet: string;
  readonly securityZoneLabel: string | null;
  readonly completeness: Ratio;
  readonly implementation: Implementation;
  readonly meteoCounts: Readonly<Record<Meteo, number>>;
  readonly engagements: readonly ReportQrrEngagement[];
}

/** One engagement across the département's QRRs: the synthesis page. */
export interface ReportEngagementSummary {
  readonly code: string;
  readonly title: string;
  readonly actionCount: number;
  readonly indicatorCount: number;
  readonly completeness: Ratio;
  readonly implementation: Implementation;
  readonly byQrr: readonly {
    readonly qrrId: number;
    readonly qrrName: string;
    readonly completeness: Ratio;
    readonly implementation: Implementation;
    readonly meteo: Meteo;
    readonly meteoLabel: string;
    readonly trend: Trend | null;
    readonly trendLabel: string | null;
  }[];
}

export interface MissingIndicator {
  readonly qrrId: number;
  readonly qrrName: string;
  readonly engagementCode: string;
  readonly indicatorCode: string;
  readonly label: string;
  readonly partial: boolean;
}
export interface MissingAssessment {
  readonly qrrId: number;
  readonly qrrName: string;
  readonly engagementCode: string;
  readonly title: string;
}
export interface MissingAction {
  readonly qrrId: number;
  readonly qrrName: string;
  readonly engagementCode: string;
  readonly actionCode: string;
  readonly label: string;
}

/** What is still to enter before transmitting the period. */
export interface ReportMissing {
  readonly ready: boolean;
  readonly count: number;
  readonly indicators: readonly MissingIndicator[];
  readonly assessments: readonly MissingAssessment[];
  readonly actions: readonly MissingAction[];
  /** French sentences, one per kind of gap, for the transmission check. */
  readonly summary: readonly string[];
}

export interface ReportFipd {
  readonly empty: boolean;
  readonly emptyText: string;
  readonly envelopes: readonly (ReportFipdInput['envelopes'][number] & {
    readonly qrrName: string;
    readonly remainingToCommitCents: number;
    readonly remainingToPayCents: number;
  })[];
  readonly totals: {
    readonly delegatedCents: number;
    readonly committedCents: number;
    readonly paidCents: number;
    readonly remainingToCommitCents: number;
    readonly remainingToPayCents: number;
  };
  /** FIPD subsidies of the period. */
  readonly subsidies: readonly (ReportFipdInput['subsidies'][number] & { readonly qrrName: string })[];
  /** Subsidies from other State or partner credits (BOP 147, FDVA…), labelled by source. */
  readonly otherSubsidies: readonly (ReportFipdInput['subsidies'][number] & { readonly qrrName: string; readonly sourceLabel: string })[];
}

export interface ReportModel {
  readonly departement: {
    readonly code: string;
    readonly nom: string;
    /** « Préfecture de l'Hérault » */
    readonly prefecture: string;
    /** « Préfet de l'Hérault » */
    readonly prefetTitle: string;
  };
  readonly people: { readonly prefetName: string; readonly coordinatorName: string };
  readonly referentialVersion: number;
  readonly period: {
    readonly code: string;
    /** « 3e trimestre 2026 » */
    readonly label: string;
    readonly state: PeriodState;
    readonly stateLabel: string;
    readonly transmittedAt: string | null;
  };
  readonly previousPeriod: { readonly code: string | null; readonly label: string | null; readonly available: boolean };
  readonly completeness: Ratio;
  readonly implementation: Implementation;
  readonly engagements: readonly ReportEngagementSummary[];
  readonly qrrs: readonly ReportQrr[];
  readonly missing: ReportMissing;
  readonly fipd: ReportFipd;
  /** The « tableau de bord simple et normalisé »: one line per engagement. */
  readonly lines: readonly EngagementLine[];
  /** The département's figure of each indicator, in the référentiel's order. */
  readonly results: readonly IndicatorResult[];
  /** Each engagement's taux de mise en œuvre over the last 8 quarters (dashboard sparklines). */
  readonly implementationSeries: readonly EngagementSeries[];
  /** Who signed, if signed; the authority the report is established for. */
  readonly signature: { readonly signer: string | null; readonly authority: string };
  /** Indicators and actions « sans objet » in the active QRRs (left out of completeness and implementation). */
  readonly sansObjetCount: { readonly indicators: number; readonly actions: number };
}
