import { useEffect, useId, useState } from 'react';
import { METEOS, METEO_LABELS, TRENDS, TREND_LABELS, type AssessmentRecord, type Meteo, type Trend } from '../../../shared/domain/types';
import { FOLLOWUP_TEXT_MAX, TYPED_COMMENTS, type TypedComment } from '../../../shared/domain/followup-limits';
import { formatDate } from '../../../shared/format/fr';
import type { ApiError } from '../../../shared/ipc/result';
import type { Engagement } from '../../../shared/referential/types';
import { api, call } from '../api';
import { ErrorAlert } from './ErrorAlert';

const TYPED_LABELS: Readonly<Record<TypedComment, { label: string; hint: string }>> = {
  obstacles: { label: 'Freins', hint: 'Ce qui bloque ou ralentit.' },
  nextSteps: { label: 'Actions à venir', hint: 'Ce qui est prévu au trimestre suivant.' },
  successes: { label: 'Réussites', hint: 'Ce qui a marché, à faire connaître.' },
};

type Texts = Record<'comment' | TypedComment, string>;
const textsOf = (record: AssessmentRecord | null): Texts => ({
  comment: record?.comment ?? '',
  obstacles: record?.obstacles ?? '',
  nextSteps: record?.nextSteps ?? '',
  successes: record?.successes ?? '',
});

/**
 * The engagement's assessment for one QRR and quarter, after the State's
 * PILOTE tool: météo, trend, a synthesis comment signed and dated by main,
 * and the typed comments beside it (freins, actions à venir, réussites).
 * Choices save at once; a text saves when its field is left.
 */
export function AssessmentPanel({
  engagement,
  qrrId,
  qrrName,
  periodCode,
  readOnly,
}: {
  engagement: Engagement;
  qrrId: number;
  qrrName: string;
  periodCode: string;
  readOnly: boolean;
}) {
  const id = useId();
  const [record, setRecord] = useState<AssessmentRecord | null>(null);
  const [texts, setTexts] = useState<Texts>(textsOf(null));
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    setSaved(false);
    void call(api().listAssessments({ periodCode, qrrId })).then((r) => {
      if (!r.ok) return setError(r.error);
      const mine = r.value.find((a) => a.engagementCode === engagement.code) ?? null;
      setRecord(mine);
      setTexts(textsOf(mine));
    });
  }, [periodCode, qrrId, engagement.code]);

  const save = async (change: { meteo?: Meteo; trend?: Trend | null } & Partial<Texts>) => {
    const result = await call(api().saveAssessment({ periodCode, qrrId, engagementCode: engagement.code, via: 'saisie', ...change }));
    if (result.ok) {
      setError(null);
      setRecord(result.value);
      setSaved(true);
    } else setError(result.error);
  };

  const edit = (field: keyof Texts, value: string) => {
    setTexts((t) => ({ ...t, [field]: value }));
    setSaved(false);
  };
  const leave = (field: keyof Texts) => {
    if (texts[field] !== textsOf(record)[field]) void save({ [field]: texts[field] });
  };

  return (
    <section className="qrr-assessment fr-p-2w" aria-labelledby={`${id}-title`} data-testid="assessment-panel">
      <h2 id={`${id}-title`} className="fr-h6">
        Appréciation — engagement {engagement.code}, {qrrName}
      </h2>
      <p className="fr-text--sm fr-mb-1w">{engagement.title}</p>
      <ErrorAlert error={error} />
      <fieldset className="fr-fieldset" disabled={readOnly}>
        <div className="qrr-parts">
          <div className="fr-select-group">
            <label className="fr-label" htmlFor={`${id}-meteo`}>
              Météo
            </label>
            <select id={`${id}-meteo`} className="fr-select" value={record?.meteo ?? 'non_renseignee'} onChange={(e) => void save({ meteo: e.target.value as Meteo })}>
              {METEOS.map((m) => (
                <option key={m} value={m}>
                  {METEO_LABELS[m]}
                </option>
              ))}
            </select>
          </div>
          <div className="fr-select-group">
            <label className="fr-label" htmlFor={`${id}-trend`}>
              Tendance
            </label>
            <select
              id={`${id}-trend`}
              className="fr-select"
              value={record?.trend ?? ''}
              onChange={(e) => void save({ trend: e.target.value === '' ? null : (e.target.value as Trend) })}
            >
              <option value="">Non renseignée</option>
              {TRENDS.map((t) => (
                <option key={t} value={t}>
                  {TREND_LABELS[t]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="fr-input-group">
          <label className="fr-label" htmlFor={`${id}-comment`}>
            Commentaire de synthèse
            {record?.commentDate && (
              <span className="fr-hint-text">
                Rédigé par {record.commentAuthor} le {formatDate(record.commentDate)}
              </span>
            )}
          </label>
          <textarea
            id={`${id}-comment`}
            className="fr-input"
            rows={3}
            maxLength={FOLLOWUP_TEXT_MAX.assessmentComment}
            value={texts.comment}
            onChange={(e) => edit('comment', e.target.value)}
            onBlur={() => leave('comment')}
          />
        </div>
        {TYPED_COMMENTS.map((field) => (
          <div className="fr-input-group" key={field}>
            <label className="fr-label" htmlFor={`${id}-${field}`}>
              {TYPED_LABELS[field].label}
              <span className="fr-hint-text">{TYPED_LABELS[field].hint}</span>
            </label>
            <textarea
              id={`${id}-${field}`}
              className="fr-input"
              rows={2}
              maxLength={FOLLOWUP_TEXT_MAX[field]}
              value={texts[field]}
              onChange={(e) => edit(field, e.target.value)}
              onBlur={() => leave(field)}
            />
          </div>
        ))}
      </fieldset>
      {saved && (
        <p className="fr-text--sm qrr-saved" role="status">
          Appréciation enregistrée.
        </p>
      )}
    </section>
  );
}
