import type { AssessmentRecord, Meteo, Trend } from '../../../../shared/domain/types';
import type { KeyedTable } from '../../keyed-record';
import { pickColumns, query, selectList } from '../query';

/**
 * Table `assessment`: per QRR × engagement × quarter, the météo, the trend,
 * the dated and signed synthesis comment and the typed comments (freins,
 * actions à venir, réussites). The stored row is the record.
 */
export const ASSESSMENT_COLUMNS = {
  qrrId: 'qrr_id',
  engagementCode: 'engagement_code',
  periodCode: 'period_code',
  meteo: 'meteo',
  trend: 'trend',
  comment: 'comment',
  commentAuthor: 'comment_author',
  commentDate: 'comment_date',
  obstacles: 'obstacles',
  nextSteps: 'next_steps',
  successes: 'successes',
  updatedAt: 'updated_at',
  updatedBy: 'updated_by',
} as const;

const SELECT = `SELECT ${selectList(ASSESSMENT_COLUMNS)} FROM assessment`;

export const selectAssessmentsOfPeriod = query<AssessmentRecord, [{ readonly periodCode: string }]>(
  `${SELECT} WHERE period_code = @periodCode ORDER BY qrr_id, engagement_code`,
);
export const selectAssessmentsOfQrr = query<AssessmentRecord, [{ readonly periodCode: string; readonly qrrId: number }]>(
  `${SELECT} WHERE period_code = @periodCode AND qrr_id = @qrrId ORDER BY qrr_id, engagement_code`,
);

export type AssessmentFields = {
  meteo: Meteo;
  trend: Trend | null;
  comment: string;
  commentAuthor: string;
  commentDate: string | null;
  obstacles: string;
  nextSteps: string;
  successes: string;
};

/** The editable columns, for keyed-record's patch-and-audit writes (entity `assessment`, id `qrrId|code|period`). */
export const ASSESSMENTS: KeyedTable<AssessmentFields> = {
  table: 'assessment',
  entity: 'assessment',
  columns: pickColumns(ASSESSMENT_COLUMNS, ['meteo', 'trend', 'comment', 'commentAuthor', 'commentDate', 'obstacles', 'nextSteps', 'successes']),
  empty: { meteo: 'non_renseignee', trend: null, comment: '', commentAuthor: '', commentDate: null, obstacles: '', nextSteps: '', successes: '' },
};
