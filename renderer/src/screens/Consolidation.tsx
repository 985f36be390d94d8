import { useMemo, useState } from 'react';
import { METEOS, METEO_LABELS, type Meteo } from '../../../shared/domain/types';
import { departementText, type MeteoCounts, type NationalModel, type NationalQrr } from '../../../shared/exchange/consolidate';
import { formatDateTime, formatInteger, plural } from '../../../shared/format/fr';
import { formatEurosFromCents } from '../../../shared/format/number-fr';
import type { ApiError } from '../../../shared/ipc/result';
import { formatRatioCount, formatRatioPercent, type Implementation, type Ratio } from '../../../shared/report/report-model';
import { api, call } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';

/** Long national lists: the first rows only, the filters narrow them down. */
const SHOWN_AT_MOST = 500;

interface ChosenFile {
  readonly fileName: string;
  readonly text: string;
}

const percentWithCount = (r: Ratio): string => (r.percent === null ? '—' : `${formatRatioPercent(r)} (${formatRatioCount(r)})`);
const implementationText = (i: Implementation): string => (i.total === 0 ? 'Sans objet' : percentWithCount(i));
const meteoSummary = (m: MeteoCounts): string =>
  METEOS.filter((k) => m[k] > 0)
    .map((k) => `${METEO_LABELS[k]} : ${formatInteger(m[k])}`)
    .join(', ') || '—';

function MeteoLabel({ meteo }: { meteo: Meteo }) {
  return <span className={`qrr-meteo qrr-meteo--${meteo}`}>{METEO_LABELS[meteo]}</span>;
}

/** « 76 % indicateurs · 63 % actions » for the engagement × département matrix (words for screen readers). */
function Figures({ completeness, implementation }: { completeness: Ratio; implementation: Implementation }) {
  return (
    <>
      <span title="Indicateurs renseignés">{formatRatioPercent(completeness)}</span>
      <span className="fr-sr-only"> des indicateurs renseignés,</span>
      {' · '}
      <span title="Actions réalisées">{implementation.total === 0 ? 'sans objet' : formatRatioPercent(implementation)}</span>
      <span className="fr-sr-only"> des actions réalisées</span>
    </>
  );
}

/**
 * National consolidation (SG-CIPDR / ANCT): several départements' exchange
 * files opened side by side, read-only — nothing is imported into this
 * database. The summary is computed in main (shared/exchange/consolidate.ts,
 * the dashboard's definitions) and can be produced as an unsigned PDF.
 */
export function Consolidation() {
  const [files, setFiles] = useState<readonly ChosenFile[]>([]);
  const [periodCode, setPeriodCode] = useState('');
  const [model, setModel] = useState<NationalModel | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [produced, setProduced] = useState<{ path: string; pages: number } | null>(null);
  const [departementFilter, setDepartementFilter] = useState('');
  const [engagementFilter, setEngagementFilter] = useState('');

  const consolidate = async (chosen: readonly ChosenFile[], period: string) => {
    setError(null);
    setProduced(null);
    if (chosen.length === 0) return setModel(null);
    setBusy(true);
    const result = await call(api().consolidateExchanges({ files: [...chosen], ...(period ? { periodCode: period } : {}) }));
    setBusy(false);
    if (result.ok) setModel(result.value);
    else {
      setModel(null);
      setError(result.error);
    }
  };

  const choose = async (list: FileList | null) => {
    const chosen = await Promise.all([...(list ?? [])].map(async (f) => ({ fileName: f.name, text: await f.text() })));
    setFiles(chosen);
    setPeriodCode('');
    setDepartementFilter('');
    setEngagementFilter('');
    await consolidate(chosen, '');
  };

  const producePdf = async () => {
    setBusy(true);
    setError(null);
    const result = await call(api().exportNationalReport({ files: [...files], ...(periodCode ? { periodCode } : {}) }));
    setBusy(false);
    if (result.ok) setProduced(result.value);
    else setError(result.error);
  };

  const engagementIndex = model && engagementFilter ? model.engagements.findIndex((e) => e.code === engagementFilter) : -1;
  const qrrs = useMemo<readonly NationalQrr[]>(
    () => (model ? model.qrrs.filter((q) => departementFilter === '' || q.departementCode === departementFilter) : []),
    [model, departementFilter],
  );
  const counted = model ? model.departements.filter((d) => d.counted) : [];

  return (
    <section aria-labelledby="consolidation-title">
      <h1 id="consolidation-title">Consolidation nationale</h1>
      <p>
        Ouvrez côte à côte les fichiers d'échange (.qrr) reçus des départements pour en faire la synthèse nationale, par engagement et par quartier.
        Les fichiers sont seulement lus : rien n'est importé dans cette base.
      </p>
      <div className="fr-upload-group fr-mb-2w">
        <label className="fr-label" htmlFor="consolidation-files">
          Fichiers d'échange des départements (.qrr)
          <span className="fr-hint-text">Plusieurs fichiers à la fois, un par département ; s'il y en a plusieurs pour un département, le plus récent est retenu.</span>
        </label>
        <input className="fr-upload" type="file" id="consolidation-files" multiple accept=".qrr,.json,application/json" onChange={(e) => void choose(e.target.files)} />
      </div>
      <ErrorAlert error={error} title="Consolidation impossible" />
      {error?.issues && error.issues.length > 1 && (
        <ul className="fr-mb-3w" data-testid="consolidation-refusals">
          {error.issues.map((issue) => (
            <li key={issue.path}>
              « {issue.path} » : {issue.message}
            </li>
          ))}
        </ul>
      )}
      {busy && <p aria-live="polite">Consolidation en cours…</p>}

      {model && (
        <div data-testid="consolidation">
          <div className="qrr-toolbar fr-mb-2w">
            <div className="fr-select-group">
              <label className="fr-label" htmlFor="consolidation-period">
                Trimestre
              </label>
              <select
                id="consolidation-period"
                className="fr-select"
                value={periodCode}
                onChange={(e) => {
                  setPeriodCode(e.target.value);
                  void consolidate(files, e.target.value);
                }}
              >
                <option value="">Par défaut (le plus récent présent dans tous les fichiers)</option>
                {model.availablePeriods.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.label} — {plural(p.departements, 'département')}
                  </option>
                ))}
              </select>
            </div>
            <button type="button" className="fr-btn" disabled={busy} onClick={() => void producePdf()}>
              Produire la synthèse PDF
            </button>
          </div>
          {produced && (
            <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-2w" role="status" data-testid="consolidation-pdf">
              <p>
                Synthèse nationale enregistrée ({plural(produced.pages, 'page')}) : {produced.path}
              </p>
            </div>
          )}

          <p className="qrr-toolbar__summary" data-testid="consolidation-summary">
            {model.period.explanation} {plural(model.totals.departements, 'département')}
            {model.totals.departementsCounted < model.totals.departements ? ` (dont ${formatInteger(model.totals.departementsCounted)} comptés)` : ''},{' '}
            {plural(model.totals.qrrs, 'quartier compté', 'quartiers comptés')} — indicateurs renseignés : {percentWithCount(model.totals.completeness)} ;
            actions réalisées : {implementationText(model.totals.implementation)}.
          </p>

          {model.warnings.length > 0 && (
            <div className="fr-alert fr-alert--warning fr-alert--sm fr-mb-3w" data-testid="consolidation-warnings">
              <h2 className="fr-alert__title">Points d'attention</h2>
              <ul>
                {model.warnings.map((w, i) => (
                  <li key={i}>{w.message}</li>
                ))}
              </ul>
            </div>
          )}

          <div className="fr-table">
            <table data-testid="consolidation-departements">
              <caption>Départements consolidés</caption>
              <thead>
                <tr>
                  <th scope="col">Département</th>
                  <th scope="col">Fichier</th>
                  <th scope="col">Exporté le</th>
                  <th scope="col">Expéditeur</th>
                  <th scope="col">Quartiers</th>
                  <th scope="col">Trimestre</th>
                  <th scope="col">Indicateurs renseignés</th>
                  <th scope="col">Actions réalisées</th>
                </tr>
              </thead>
              <tbody>
                {model.departements.map((d) => (
                  <tr key={d.code}>
                    <th scope="row">{departementText(d)}</th>
                    <td>{d.fileName}</td>
                    <td>{formatDateTime(d.exportedAt)}</td>
                    <td>{d.sender.name || d.sender.osUser || '—'}</td>
                    <td>{formatInteger(d.qrrCount)}</td>
                    <td>{d.periodStateLabel}</td>
                    <td>{d.counted ? percentWithCount(d.completeness) : 'non compté'}</td>
                    <td>{d.counted ? implementationText(d.implementation) : 'non compté'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <div className="fr-table qrr-dashboard-table">
            <table data-testid="consolidation-matrix">
              <caption>Par engagement et par département : indicateurs renseignés · actions réalisées</caption>
              <thead>
                <tr>
                  <th scope="col">Engagement</th>
                  <th scope="col">National</th>
                  {counted.map((d) => (
                    <th key={d.code} scope="col">
                      {departementText(d)}
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
                    <td>
                      <Figures completeness={e.completeness} implementation={e.implementation} />
                      <br />
                      <span className="fr-text--xs">{meteoSummary(e.meteoCounts)}</span>
                    </td>
                    {e.byDepartement.map((d) => (
                      <td key={d.departementCode}>
                        <Figures completeness={d.completeness} implementation={d.implementation} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h2 className="fr-h4 fr-mt-4w">Par quartier</h2>
          <div className="qrr-toolbar fr-mb-2w">
            <div className="fr-select-group">
              <label className="fr-label" htmlFor="consolidation-departement">
                Département
              </label>
              <select id="consolidation-departement" className="fr-select" value={departementFilter} onChange={(e) => setDepartementFilter(e.target.value)}>
                <option value="">Tous les départements</option>
                {counted.map((d) => (
                  <option key={d.code} value={d.code}>
                    {departementText(d)}
                  </option>
                ))}
              </select>
            </div>
            <div className="fr-select-group">
              <label className="fr-label" htmlFor="consolidation-engagement">
                Engagement
              </label>
              <select id="consolidation-engagement" className="fr-select" value={engagementFilter} onChange={(e) => setEngagementFilter(e.target.value)}>
                <option value="">Tous les engagements</option>
                {model.engagements.map((e) => (
                  <option key={e.code} value={e.code}>
                    {e.code} — {e.title}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="fr-table">
            <table data-testid="consolidation-qrrs">
              <caption>
                {engagementIndex >= 0 ? `Engagement ${model.engagements[engagementIndex]!.code} — ` : ''}
                {plural(qrrs.length, 'quartier')}
                {qrrs.length > SHOWN_AT_MOST ? ` (les ${formatInteger(SHOWN_AT_MOST)} premiers)` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Quartier</th>
                  <th scope="col">Département</th>
                  <th scope="col">Indicateurs renseignés</th>
                  <th scope="col">Actions réalisées</th>
                  <th scope="col">Météo</th>
                </tr>
              </thead>
              <tbody>
                {qrrs.slice(0, SHOWN_AT_MOST).map((q) => {
                  const e = engagementIndex >= 0 ? q.engagements[engagementIndex]! : null;
                  return (
                    <tr key={`${q.departementCode}|${q.key}`}>
                      <th scope="row">{q.name}</th>
                      <td>{departementText({ code: q.departementCode, nom: q.departementNom })}</td>
                      <td>{percentWithCount(e ? e.completeness : q.completeness)}</td>
                      <td>{implementationText(e ? e.implementation : q.implementation)}</td>
                      <td>{e ? <MeteoLabel meteo={e.meteo} /> : meteoSummary(q.meteoCounts)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>

          {model.fipd && (
            <>
              <h2 className="fr-h4 fr-mt-4w">Crédits FIPD {model.fipd.budgetYear}</h2>
              <p data-testid="consolidation-fipd">
                {plural(model.fipd.departements, 'département')} : délégué {formatEurosFromCents(model.fipd.totals.delegatedCents)} · engagé{' '}
                {formatEurosFromCents(model.fipd.totals.committedCents)} · payé {formatEurosFromCents(model.fipd.totals.paidCents)} · reste à engager{' '}
                {formatEurosFromCents(model.fipd.totals.remainingCents)}
              </p>
            </>
          )}
        </div>
      )}
    </section>
  );
}
