import { useEffect, useMemo, useState } from 'react';
import { fieldName, type ExchangeLine, type LineKind } from '../../../shared/exchange/diff';
import { RESULTS_PERIOD, RESULTS_PERIOD_LABEL } from '../../../shared/exchange/diff-results';
import { PERIOD_STATE_LABELS, periodLabel } from '../../../shared/domain/period';
import { formatDateTime, formatInteger, plural } from '../../../shared/format/fr';
import { EXCHANGE_MAX_BYTES, EXCHANGE_MESSAGES } from '../../../shared/exchange/format';
import type { ImportSummaryDto, ResponseOf } from '../../../shared/ipc/contract';
import type { ApiError } from '../../../shared/ipc/result';
import { api, call } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { fileToBase64 } from '../files';
import { formatAuditValue } from '../../../shared/format/journal';
import { takeOpenedFile, useOpenedFile } from '../opened-file';
import { usePeriods } from '../usePeriods';

const KIND_LABELS: Readonly<Record<LineKind, string>> = {
  new: 'Nouveau',
  identical: 'Identique',
  conflict: 'En conflit',
  locked: 'Verrouillé (trimestre transmis, quartier archivé ou 05-02 calculé ici)',
  refused: "Refusé (l'application n'accepterait pas cette valeur)",
};
const LOCK_LABELS: Readonly<Record<string, string>> = {
  period_transmitted: 'trimestre transmis ici',
  qrr_archived: 'quartier archivé ici',
  computed: 'calculé ici depuis les crédits FIPD',
};
const TABLE_LABELS: Readonly<Record<string, string>> = {
  indicator_value: 'Indicateur',
  action_status: 'Action',
  assessment: 'Engagement',
  fipd_envelope: 'Enveloppe',
  subsidy: 'Subvention',
  subsidy_payment: 'Versement',
  sans_objet: 'Sans objet :',
  indicator_target: 'Objectif :',
};
/** Lines asked for per page: the preview's lines stay in main (a national quarter has ~435,000). */
const PAGE_SIZE = 200;
const SOURCE_LABELS: Readonly<Record<'qrr' | 'pdf' | 'xlsx', string>> = {
  qrr: "Fichier d'échange",
  pdf: 'Rapport PDF',
  xlsx: 'Classeur Excel',
};

type Choice = 'mine' | 'theirs';

/**
 * Exchange files with colleagues: export quarters as a `.qrr` file; import
 * one with a preview of every cell (new, identical, in conflict, locked), a
 * choice per line or in bulk, and nothing written before confirmation.
 */
export function Echanges({ onImported }: { onImported?: () => void } = {}) {
  const { periods } = usePeriods();
  const [exportPeriod, setExportPeriod] = useState('');
  const [exportFormat, setExportFormat] = useState<'qrr' | 'xlsx'>('qrr');
  const [exported, setExported] = useState<string | null>(null);
  const [file, setFile] = useState<{ name: string; contentBase64: string } | null>(null);
  const [preview, setPreview] = useState<ResponseOf<'previewExchange'> | null>(null);
  const [accepted, setAccepted] = useState(false);
  const [defaultChoice, setDefaultChoice] = useState<Choice>('mine');
  // Explicit choice to import a file without its refused cells (otherwise the whole file is refused, before any backup).
  const [skipRefused, setSkipRefused] = useState(false);
  const [perLine, setPerLine] = useState<Record<string, Choice>>({});
  const [kindFilter, setKindFilter] = useState<LineKind | ''>('conflict');
  const [qrrFilter, setQrrFilter] = useState('');
  const [periodFilter, setPeriodFilter] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ lines: readonly ExchangeLine[]; total: number }>({ lines: [], total: 0 });
  const [summary, setSummary] = useState<ImportSummaryDto | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const previewOf = async (name: string, contentBase64: string) => {
    setPreview(null);
    setSummary(null);
    setError(null);
    setPerLine({});
    setQrrFilter('');
    setPeriodFilter('');
    setAccepted(false);
    setFile({ name, contentBase64 });
    setBusy(true);
    const result = await call(api().previewExchange({ fileName: name, contentBase64 }));
    setBusy(false);
    if (result.ok) {
      setPreview(result.value);
      setSkipRefused(false);
      setKindFilter(result.value.counts.refused > 0 ? 'refused' : result.value.counts.conflict > 0 ? 'conflict' : 'new');
    } else setError(result.error);
  };

  const choose = async (chosen: File | undefined) => {
    if (!chosen) return;
    // Refused before reading: a huge file is never loaded into memory.
    if (chosen.size > EXCHANGE_MAX_BYTES) {
      setPreview(null);
      setError({ code: 'VALIDATION', message: EXCHANGE_MESSAGES.tooBig(EXCHANGE_MAX_BYTES) });
      return;
    }
    await previewOf(chosen.name, await fileToBase64(chosen));
  };

  // A file opened from outside (double click on a .qrr, Fichier › Importer…): previewed like a chosen one.
  const opened = useOpenedFile();
  useEffect(() => {
    if (!opened) return;
    const file = takeOpenedFile();
    if (file) void previewOf(file.fileName, file.contentBase64);
  }, [opened]);

  const apply = async () => {
    if (!file) return;
    setBusy(true);
    const result = await call(
      api().applyExchange({
        fileName: file.name,
        contentBase64: file.contentBase64,
        defaultChoice,
        perLine,
        ...(accepted ? { acceptUnverified: true } : {}),
        ...(skipRefused ? { skipRefused: true } : {}),
      }),
    );
    setBusy(false);
    if (result.ok) {
      setSummary(result.value);
      setPreview(null);
      onImported?.();
    } else setError(result.error);
  };

  const filter = useMemo(
    () => ({ ...(kindFilter ? { kind: kindFilter } : {}), ...(qrrFilter ? { qrrKey: qrrFilter } : {}), ...(periodFilter ? { periodCode: periodFilter } : {}) }),
    [kindFilter, qrrFilter, periodFilter],
  );
  // Another filter starts again at the first page.
  useEffect(() => setOffset(0), [preview, filter]);
  useEffect(() => {
    if (!preview) {
      setPage({ lines: [], total: 0 });
      return;
    }
    let stale = false;
    void call(api().previewExchangeLines({ previewId: preview.previewId, ...filter, offset, limit: PAGE_SIZE })).then((result) => {
      if (stale) return;
      if (result.ok) setPage(result.value);
      else setError(result.error);
    });
    return () => {
      stale = true;
    };
  }, [preview, filter, offset]);
  const lines = page.lines;
  /** « In bulk » for every conflict matching the filters (all pages). */
  const chooseShown = async (choice: Choice) => {
    if (!preview) return;
    const result = await call(api().previewExchangeLines({ previewId: preview.previewId, ...filter, kind: 'conflict', offset: 0, limit: 1, withKeys: true }));
    if (result.ok) setPerLine({ ...perLine, ...Object.fromEntries((result.value.keys ?? []).map((key) => [key, choice])) });
    else setError(result.error);
  };
  const choiceOf = (line: ExchangeLine): Choice => perLine[line.key] ?? (line.kind === 'new' ? 'theirs' : defaultChoice);
  const show = (line: ExchangeLine, value: unknown) => formatAuditValue(value, { entity: line.table, field: line.field }, 120);

  return (
    <section aria-labelledby="echanges-title">
      <h1 id="echanges-title">Échanges</h1>
      <h2 className="fr-h4">Exporter pour un collègue</h2>
      <div className="qrr-toolbar fr-mb-2w">
        <div className="fr-select-group">
          <label className="fr-label" htmlFor="export-period">
            Trimestre à exporter
          </label>
          <select id="export-period" className="fr-select" value={exportPeriod} onChange={(e) => setExportPeriod(e.target.value)}>
            <option value="">Tous les trimestres</option>
            {periods.map((p) => (
              <option key={p.code} value={p.code}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <div className="fr-select-group">
          <label className="fr-label" htmlFor="export-format">
            Format
          </label>
          <select id="export-format" className="fr-select" value={exportFormat} onChange={(e) => setExportFormat(e.target.value === 'xlsx' ? 'xlsx' : 'qrr')}>
            <option value="qrr">Fichier d'échange .qrr</option>
            <option value="xlsx">Classeur Excel .xlsx</option>
          </select>
        </div>
        <button
          type="button"
          className="fr-btn fr-btn--secondary"
          onClick={async () => {
            const result = await call(api().exportExchange({ ...(exportPeriod ? { periods: [exportPeriod] } : {}), format: exportFormat }));
            if (result.ok) setExported(result.value.path);
            else setError(result.error);
          }}
        >
          Exporter
        </button>
      </div>
      {exported && (
        <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-2w" role="status" data-testid="exchange-exported">
          <p>Fichier d'échange enregistré : {exported}</p>
        </div>
      )}

      <h2 className="fr-h4 fr-mt-4w">Importer le fichier d'un collègue</h2>
      <div className="fr-upload-group fr-mb-2w">
        <label className="fr-label" htmlFor="import-file">
          Fichier d'échange (.qrr), rapport PDF signé ou classeur Excel de l'application
          <span className="fr-hint-text">Rien n'est modifié avant votre confirmation ; une sauvegarde est faite juste avant.</span>
        </label>
        <input
          className="fr-upload"
          type="file"
          id="import-file"
          accept=".qrr,.json,.pdf,.xlsx,application/json,application/pdf"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
      </div>
      <ErrorAlert error={error} title="Import impossible" />
      {summary && (
        <div className="fr-alert fr-alert--success fr-alert--sm" role="status" data-testid="import-summary">
          <p>{summary.message}</p>
        </div>
      )}
      {preview && (
        <div data-testid="import-preview">
          <p>
            {SOURCE_LABELS[preview.source.kind]} de <strong>{preview.sender.name || preview.sender.osUser}</strong>, {preview.departement.nom} (
            {preview.departement.code}), exporté le {formatDateTime(preview.exportedAt)}.
            {preview.source.kind === 'pdf' && preview.source.signed && (
              <>
                {' '}
                Signé par <strong>{preview.source.signer}</strong>
                {preview.source.signingTime ? ` le ${formatDateTime(preview.source.signingTime)}` : ''}
                {preview.source.trusted ? ', certificat de confiance.' : '.'}
              </>
            )}
            {preview.source.migratedFrom !== undefined && ` Fichier au format de la version ${preview.source.migratedFrom}, lu par conversion.`}
          </p>
          {preview.source.warning && (
            <div className="fr-alert fr-alert--warning fr-mb-2w" role="alert" data-testid="import-warning">
              <h3 className="fr-alert__title">Origine non garantie</h3>
              <p>{preview.source.warning}</p>
              <div className="fr-checkbox-group fr-mt-1w">
                <input type="checkbox" id="accept-unverified" checked={accepted} onChange={(e) => setAccepted(e.target.checked)} />
                <label className="fr-label" htmlFor="accept-unverified">
                  J'ai vérifié l'origine de ce fichier
                </label>
              </div>
            </div>
          )}
          <ul className="fr-text--sm">
            {preview.qrrs.filter((q) => q.localId === null).map((q) => (
              <li key={q.key}>Quartier créé : {q.name}</li>
            ))}
            {preview.periods.map((p) => (
              <li key={p.code}>
                {periodLabel(p.code)} :{' '}
                {p.localState !== null
                  ? PERIOD_STATE_LABELS[p.localState]
                  : p.theirState === 'transmitted'
                    ? 'sera créé transmis, comme dans le fichier'
                    : 'sera ouvert'}
              </li>
            ))}
          </ul>
          <ul className="qrr-completeness" data-testid="import-counts">
            {(Object.keys(KIND_LABELS) as LineKind[]).map((k) => (
              <li key={k}>
                <button type="button" className={`fr-tag ${kindFilter === k ? 'fr-tag--dismiss' : ''}`} aria-pressed={kindFilter === k} onClick={() => setKindFilter(k)}>
                  {KIND_LABELS[k]} : {formatInteger(preview.counts[k])}
                </button>
              </li>
            ))}
          </ul>
          <div className="qrr-toolbar fr-mb-2w">
            <div className="fr-select-group">
              <label className="fr-label" htmlFor="import-qrr-filter">
                Quartier
              </label>
              <select id="import-qrr-filter" className="fr-select" value={qrrFilter} onChange={(e) => setQrrFilter(e.target.value)}>
                <option value="">Tous les quartiers</option>
                {preview.filters.qrrs.map(({ key, name }) => (
                  <option key={key} value={key}>
                    {name}
                  </option>
                ))}
              </select>
            </div>
            <div className="fr-select-group">
              <label className="fr-label" htmlFor="import-period-filter">
                Trimestre ou année
              </label>
              <select id="import-period-filter" className="fr-select" value={periodFilter} onChange={(e) => setPeriodFilter(e.target.value)}>
                <option value="">Tous</option>
                {preview.filters.periods.map((p) => (
                  <option key={p} value={p}>
                    {p === RESULTS_PERIOD ? RESULTS_PERIOD_LABEL : /^\d{4}$/.test(p) ? `Crédits ${p}` : periodLabel(p)}
                  </option>
                ))}
              </select>
            </div>
            {kindFilter === 'conflict' && lines.length > 0 && (
              <div className="fr-btns-group fr-btns-group--inline-sm">
                <button type="button" className="fr-btn fr-btn--tertiary fr-btn--sm" onClick={() => void chooseShown('mine')}>
                  Garder les miennes (conflits affichés)
                </button>
                <button type="button" className="fr-btn fr-btn--tertiary fr-btn--sm" onClick={() => void chooseShown('theirs')}>
                  Prendre celles du fichier (conflits affichés)
                </button>
              </div>
            )}
          </div>
          {preview.counts.conflict > 0 && (
            <fieldset className="fr-fieldset">
              <legend className="fr-fieldset__legend fr-text--regular">Pour les conflits sans choix particulier</legend>
              {(['mine', 'theirs'] as const).map((c) => (
                <div key={c} className="fr-radio-group">
                  <input type="radio" id={`default-${c}`} name="default-choice" checked={defaultChoice === c} onChange={() => { setDefaultChoice(c); setPerLine({}); }} />
                  <label className="fr-label" htmlFor={`default-${c}`}>
                    {c === 'mine' ? 'Garder mes valeurs' : 'Prendre les valeurs du fichier'}
                  </label>
                </div>
              ))}
            </fieldset>
          )}
          {lines.length > 0 && (
            <div className="fr-table">
              <table data-testid="import-lines">
                <caption>
                  {KIND_LABELS[kindFilter || 'new']} — {plural(page.total, 'case')}
                  {page.total > lines.length ? ` (${formatInteger(offset + 1)} à ${formatInteger(offset + lines.length)})` : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Quartier</th>
                    <th scope="col">Trimestre</th>
                    <th scope="col">Élément</th>
                    <th scope="col">Ici</th>
                    <th scope="col">Dans le fichier</th>
                    {kindFilter === 'conflict' && <th scope="col">Garder</th>}
                  </tr>
                </thead>
                <tbody>
                  {lines.map((line) => (
                    <tr key={line.key}>
                      <td>{line.qrrName}</td>
                      <td>{line.periodCode === RESULTS_PERIOD ? RESULTS_PERIOD_LABEL : /^\d{4}$/.test(line.periodCode) ? line.periodCode : periodLabel(line.periodCode)}</td>
                      <td>
                        {TABLE_LABELS[line.table] ?? line.table} {line.summary ?? line.code} ({fieldName(line.field)})
                        {line.lockReason ? ` — ${LOCK_LABELS[line.lockReason]}` : ''}
                        {line.refusedReason ? (
                          <>
                            <br />
                            <span className="fr-error-text fr-mt-0" data-testid="refused-reason">
                              Refusé : {line.refusedReason}
                            </span>
                          </>
                        ) : null}
                      </td>
                      <td>{line.mine ? `${show(line, line.mine.value)} — ${line.mine.updatedBy}` : '—'}</td>
                      <td>
                        {show(line, line.theirs.value)} — {line.theirs.updatedBy}
                        {line.theirs.updatedAt ? `, ${formatDateTime(line.theirs.updatedAt)}` : ''}
                      </td>
                      {kindFilter === 'conflict' && (
                        <td>
                          <select
                            className="fr-select"
                            aria-label={`Choix pour ${line.qrrName}, ${line.code}, ${line.field}`}
                            value={choiceOf(line)}
                            onChange={(e) => setPerLine({ ...perLine, [line.key]: e.target.value as Choice })}
                          >
                            <option value="mine">la mienne</option>
                            <option value="theirs">celle du fichier</option>
                          </select>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
              {page.total > PAGE_SIZE && (
                <div className="fr-btns-group fr-btns-group--inline-sm" data-testid="import-pager">
                  <button type="button" className="fr-btn fr-btn--tertiary fr-btn--sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                    Page précédente
                  </button>
                  <button
                    type="button"
                    className="fr-btn fr-btn--tertiary fr-btn--sm"
                    disabled={offset + PAGE_SIZE >= page.total}
                    onClick={() => setOffset(offset + PAGE_SIZE)}
                  >
                    Page suivante
                  </button>
                </div>
              )}
            </div>
          )}
          {preview.counts.refused > 0 && (
            <div className="fr-alert fr-alert--warning fr-mb-2w" data-testid="refused-alert">
              <p>
                {plural(preview.counts.refused, 'case')} du fichier {preview.counts.refused > 1 ? 'sont refusées' : 'est refusée'} par l'application
                (raison affichée avec le filtre « Refusé »). Sans votre accord, le fichier est refusé en entier, sans rien modifier.
              </p>
              <div className="fr-checkbox-group">
                <input type="checkbox" id="skip-refused" checked={skipRefused} onChange={(e) => setSkipRefused(e.target.checked)} />
                <label className="fr-label" htmlFor="skip-refused">
                  Importer sans les données refusées
                </label>
              </div>
            </div>
          )}
          <button type="button" className="fr-btn" disabled={busy || (preview.source.warning !== undefined && !accepted)} onClick={() => void apply()}>
            {busy ? 'Import en cours…' : "Confirmer l'import"}
          </button>
        </div>
      )}
    </section>
  );
}
