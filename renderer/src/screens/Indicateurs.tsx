import { Fragment, useCallback, useEffect, useMemo, useState } from 'react';
import { indicatorCompleteness } from '../../../shared/domain/completeness';
import { computeIndicator, computedUnit, formatIndicatorValue } from '../../../shared/domain/indicator-values';
import { isPeriodWritable } from '../../../shared/domain/period';
import type { IndicatorValueRecord, Qrr } from '../../../shared/domain/types';
import { formatDate } from '../../../shared/format/fr';
import { formatPercentFr, formatPerThousandFr } from '../../../shared/format/number-fr';
import type { ApiError } from '../../../shared/ipc/result';
import type { Engagement } from '../../../shared/referential/types';
import { api, call } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { IndicatorEditor } from '../components/IndicatorEditor';
import { PeriodBar } from '../components/PeriodBar';
import { usePeriods } from '../usePeriods';

/**
 * Indicator values of one QRR for one quarter, grouped by engagement, with
 * completeness per engagement. Each line opens the full editor (every part,
 * target, comment, source, history).
 */
export function Indicateurs({ engagements }: { engagements: readonly Engagement[] }) {
  const { periods, selected, select, changed, error: periodError } = usePeriods();
  const [qrrs, setQrrs] = useState<readonly Qrr[]>([]);
  const [qrrId, setQrrId] = useState<number | null>(null);
  const [values, setValues] = useState<ReadonlyMap<string, IndicatorValueRecord>>(new Map());
  const [editing, setEditing] = useState<string | null>(null);
  const [onlyMissing, setOnlyMissing] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    void call(api().listQrrs({ includeArchived: false })).then((r) => {
      if (!r.ok) return setError(r.error);
      setQrrs(r.value);
      setQrrId((current) => current ?? r.value[0]?.id ?? null);
    });
  }, []);

  const loadValues = useCallback(async () => {
    if (!selected || qrrId === null) return setValues(new Map());
    const r = await call(api().listIndicatorValues({ periodCode: selected.code, qrrId }));
    if (!r.ok) return setError(r.error);
    setValues(new Map(r.value.map((v) => [v.indicatorCode, v])));
  }, [selected, qrrId]);

  useEffect(() => {
    void loadValues();
  }, [loadValues]);

  const completeness = useMemo(
    () => new Map(indicatorCompleteness(engagements, (code) => values.get(code)?.value).map((c) => [c.engagementCode, c])),
    [engagements, values],
  );
  const filled = [...completeness.values()].reduce((n, c) => n + c.filled, 0);
  const total = [...completeness.values()].reduce((n, c) => n + c.total, 0);
  const readOnly = selected ? !isPeriodWritable(selected.state) : true;

  return (
    <section aria-labelledby="indicateurs-title">
      <h1 id="indicateurs-title">Indicateurs</h1>
      <ErrorAlert error={error ?? periodError} title="Chargement impossible" />
      <PeriodBar periods={periods} selected={selected} onSelect={select} onChanged={changed} />
      {periods.length === 0 ? (
        <p>Ouvrez un trimestre pour commencer la saisie.</p>
      ) : qrrs.length === 0 ? (
        <p>Aucun quartier actif : créez-en un dans l'écran « Quartiers ».</p>
      ) : (
        <>
          <div className="qrr-toolbar">
            <div className="fr-select-group">
              <label className="fr-label" htmlFor="indicateurs-qrr">
                Quartier
              </label>
              <select id="indicateurs-qrr" className="fr-select" value={qrrId ?? ''} onChange={(e) => { setEditing(null); setQrrId(Number(e.target.value)); }}>
                {qrrs.map((q) => (
                  <option key={q.id} value={q.id}>
                    {q.name}
                  </option>
                ))}
              </select>
            </div>
            <p className="qrr-toolbar__summary" data-testid="completeness">
              {filled} / {total} indicateurs renseignés
            </p>
            <div className="fr-checkbox-group">
              <input id="only-missing" type="checkbox" checked={onlyMissing} onChange={(e) => setOnlyMissing(e.target.checked)} />
              <label className="fr-label" htmlFor="only-missing">
                Seulement les indicateurs à renseigner
              </label>
            </div>
          </div>
          {readOnly && selected && (
            <div className="fr-alert fr-alert--info fr-alert--sm fr-mb-2w">
              <p>Le {selected.label} a été transmis : les valeurs sont en lecture seule.</p>
            </div>
          )}
          <div className="fr-table fr-table--no-caption qrr-indicator-table">
            <table data-testid="indicator-table">
              <caption>Indicateurs du trimestre</caption>
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Indicateur</th>
                  <th scope="col">Valeur</th>
                  <th scope="col">Taux</th>
                  <th scope="col">Cible</th>
                  <th scope="col">Mise à jour</th>
                  <th scope="col">
                    <span className="fr-sr-only">Saisie</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {engagements.map((engagement) => (
                  <Fragment key={engagement.code}>
                    <tr className="qrr-group-row">
                      <th colSpan={7} scope="rowgroup">
                        Engagement {engagement.code} — {engagement.title}
                        <span className="fr-badge fr-badge--sm fr-ml-2w">
                          {completeness.get(engagement.code)?.filled} / {engagement.indicators.length}
                        </span>
                      </th>
                    </tr>
                    {engagement.indicators
                      .filter((i) => !onlyMissing || completeness.get(engagement.code)?.missing.includes(i.code))
                      .map((indicator) => {
                        const record = values.get(indicator.code);
                        const computed = record?.value ? computeIndicator(indicator, record.value) : null;
                        const unit = computedUnit(indicator);
                        return (
                          <Fragment key={indicator.code}>
                            <tr data-indicator={indicator.code}>
                              <td>{indicator.code}</td>
                              <td>{indicator.label}</td>
                              <td>{record?.value ? formatIndicatorValue(indicator, record.value) : '—'}</td>
                              <td>
                                {computed === null ? '—' : unit === '‰' ? formatPerThousandFr(computed) : formatPercentFr(computed)}
                              </td>
                              <td>{record?.target ? formatIndicatorValue(indicator, record.target) : '—'}</td>
                              <td>{record ? `${formatDate(record.updatedAt)} (${record.updatedBy})` : '—'}</td>
                              <td>
                                <button
                                  type="button"
                                  className="fr-btn fr-btn--tertiary fr-btn--sm"
                                  aria-label={`${readOnly ? 'Consulter' : 'Saisir'} l'indicateur ${indicator.code}`}
                                  onClick={() => setEditing(editing === indicator.code ? null : indicator.code)}
                                >
                                  {readOnly ? 'Consulter' : 'Saisir'}
                                </button>
                              </td>
                            </tr>
                            {editing === indicator.code && selected && qrrId !== null && (
                              <tr>
                                <td colSpan={7}>
                                  <IndicatorEditor
                                    key={`${qrrId}-${indicator.code}-${selected.code}`}
                                    indicator={indicator}
                                    qrrId={qrrId}
                                    periodCode={selected.code}
                                    record={record}
                                    readOnly={readOnly}
                                    onSaved={() => {
                                      setEditing(null);
                                      void loadValues();
                                    }}
                                    onClose={() => setEditing(null)}
                                  />
                                </td>
                              </tr>
                            )}
                          </Fragment>
                        );
                      })}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
