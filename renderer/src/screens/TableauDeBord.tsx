import { useEffect, useState, type ReactNode } from 'react';
import { parsePeriodCode } from '../../../shared/domain/period';
import { formatDate } from '../../../shared/format/fr';
import { formatEurosFromCents } from '../../../shared/format/number-fr';
import type { ApiError } from '../../../shared/ipc/result';
import { formatRatioCount, formatRatioPercent, type ReportModel } from '../../../shared/report/report-model';
import { api, call } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { MissingSummary } from '../components/MissingSummary';
import { PeriodBar } from '../components/PeriodBar';
import { ResultsTable } from '../components/ResultsTable';
import { missingHref } from './indicators/MissingNavigator';
import { usePeriods } from '../usePeriods';

/** Last day of a quarter, the date its figures are due. */
function quarterEnd(code: string): string | null {
  const p = parsePeriodCode(code);
  if (!p) return null;
  return new Date(Date.UTC(p.year, p.quarter * 3, 0, 12)).toISOString();
}

function Tile({ title, big = false, children }: { title: string; big?: boolean; children: ReactNode }) {
  return (
    <div className="fr-col-12 fr-col-md-4">
      <div className="fr-tile fr-tile--sm">
        <div className="fr-tile__body">
          <p className="fr-tile__title">{title}</p>
          <p className={`fr-tile__desc${big ? ' qrr-big' : ''}`}>{children}</p>
        </div>
      </div>
    </div>
  );
}

/**
 * Home screen: the quarter at a glance, per QRR and engagement (completeness of
 * the indicators, share of actions carried out, météo), what is missing before
 * transmission and the next deadline. Same computation as the report.
 */
export function TableauDeBord() {
  const { periods, selected, select, changed, error: periodError } = usePeriods();
  const [model, setModel] = useState<ReportModel | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!selected) return;
    void call(api().getReportModel({ periodCode: selected.code })).then((r) => (r.ok ? (setModel(r.value), setError(null)) : setError(r.error)));
  }, [selected]);

  const end = selected ? quarterEnd(selected.code) : null;
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Tableau de bord</h1>
      <ErrorAlert error={error ?? periodError} title="Chargement impossible" />
      <PeriodBar periods={periods} selected={selected} onSelect={select} onChanged={changed} />
      {periods.length === 0 && <p>Ouvrez un trimestre pour commencer le suivi.</p>}
      {model && selected && (
        <>
          <div className="fr-grid-row fr-grid-row--gutters fr-mb-3w" data-testid="dashboard-totals">
            <Tile title="Indicateurs renseignés" big>
              {formatRatioPercent(model.completeness)} ({formatRatioCount(model.completeness)})
            </Tile>
            <Tile title="Actions réalisées" big>
              {formatRatioPercent(model.implementation)} ({formatRatioCount(model.implementation)})
            </Tile>
            <Tile title="Prochaine échéance">
              {selected.state === 'transmitted'
                ? `${model.period.label} transmis le ${formatDate(selected.transmittedAt!)}`
                : `Transmission du ${model.period.label}${end ? ` (fin du trimestre le ${formatDate(end)})` : ''}`}
            </Tile>
          </div>
          {selected.state !== 'transmitted' && <MissingSummary missing={model.missing} />}
          <div className="fr-table qrr-dashboard-table">
            <table data-testid="dashboard-table">
              <caption>Par quartier et par engagement : indicateurs renseignés, actions réalisées, météo</caption>
              <thead>
                <tr>
                  <th scope="col">Engagement</th>
                  {model.qrrs.map((q) => (
                    <th key={q.id} scope="col">
                      {q.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {model.engagements.map((e) => (
                  <tr key={e.code}>
                    <th scope="row">
                      {e.code} — {e.title}
                    </th>
                    {e.byQrr.map((q) => (
                      <td key={q.qrrId}>
                        {q.completeness.count < q.completeness.total ? (
                          <a
                            href={missingHref(model.period.code, q.qrrId, e.code)}
                            title={`Indicateurs renseignés — aller au premier à compléter (${q.qrrName}, engagement ${e.code})`}
                            data-testid={`completeness-link-${e.code}-${q.qrrId}`}
                          >
                            {formatRatioCount(q.completeness)}
                          </a>
                        ) : (
                          <span title="Indicateurs renseignés">{formatRatioCount(q.completeness)}</span>
                        )}
                        {' · '}
                        <span title="Actions réalisées">{formatRatioPercent(q.implementation)}</span>
                        {' · '}
                        <span className={`qrr-meteo qrr-meteo--${q.meteo}`}>{q.meteoLabel}</span>
                      </td>
                    ))}
                  </tr>
                ))}
                <tr>
                  <th scope="row">Ensemble</th>
                  {model.qrrs.map((q) => (
                    <td key={q.id}>
                      {formatRatioCount(q.completeness)} · {formatRatioPercent(q.implementation)}
                    </td>
                  ))}
                </tr>
              </tbody>
            </table>
          </div>
          <h2 className="fr-h5">Résultats du département</h2>
          <ResultsTable model={model} />
          <h2 className="fr-h5">Crédits FIPD {model.period.code.slice(0, 4)}</h2>
          <p data-testid="dashboard-fipd">
            {model.fipd.empty
              ? model.fipd.emptyText
              : `Délégué ${formatEurosFromCents(model.fipd.totals.delegatedCents)} · engagé ${formatEurosFromCents(model.fipd.totals.committedCents)} · versé ${formatEurosFromCents(model.fipd.totals.paidCents)} · reste à engager ${formatEurosFromCents(model.fipd.totals.remainingToCommitCents)}`}
          </p>
        </>
      )}
    </section>
  );
}
