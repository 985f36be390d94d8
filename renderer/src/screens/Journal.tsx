import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AuditRecord } from '../../../shared/domain/types';
import { formatDateTime, plural } from '../../../shared/format/fr';
import type { ApiError } from '../../../shared/ipc/result';
import { api, call } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { TextField } from '../components/TextField';
import {
  actionLabel,
  AUDIT_ENTITIES,
  buildAuditQuery,
  changeParts,
  elementLabel,
  fieldLabel,
  formatChange,
  NO_FILTERS,
  originLabel,
  pageRangeLabel,
  type JournalFilters,
} from '../../../shared/format/journal';

const PAGE_SIZE = 50;
/** Longest value shown in a cell; the whole text is in the cell's tooltip. */
const VALUE_MAX = 160;

interface Page {
  readonly rows: readonly AuditRecord[];
  readonly total: number;
}

/** « Journal des modifications »: every change recorded in the audit trail, newest first, filtered and paginated. */
export function Journal() {
  const id = useId();
  const [draft, setDraft] = useState<JournalFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<JournalFilters>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [dateError, setDateError] = useState<{ field: 'from' | 'to'; message: string } | null>(null);
  const [qrrNames, setQrrNames] = useState<ReadonlyMap<number, string>>(new Map());

  // QRR names instead of numbers; without them the journal still shows « QRR n° 3 ».
  useEffect(() => {
    let live = true;
    void call(api().listQrrs({ includeArchived: true })).then((result) => {
      if (live && result.ok) setQrrNames(new Map(result.value.map((q) => [q.id, q.name])));
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    const built = buildAuditQuery(filters, offset, PAGE_SIZE);
    if (!built.ok) return;
    let live = true;
    setLoading(true);
    void call(api().listAudit(built.query)).then((result) => {
      if (!live) return;
      setLoading(false);
      if (result.ok) {
        setError(null);
        setPage(result.value);
      } else {
        setError(result.error);
      }
    });
    return () => {
      live = false;
    };
  }, [filters, offset]);

  // Entries can disappear under the current page (a restored backup): go back to the last page that has some.
  useEffect(() => {
    if (page && page.rows.length === 0 && page.total > 0 && offset > 0) {
      setOffset(Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE);
    }
  }, [page, offset]);

  const apply = (next: JournalFilters) => {
    const built = buildAuditQuery(next, 0, PAGE_SIZE);
    if (!built.ok) {
      setDateError({ field: built.field, message: built.message });
      return;
    }
    setDateError(null);
    setOffset(0);
    setFilters(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(draft);
  };

  const reset = () => {
    setDraft(NO_FILTERS);
    apply(NO_FILTERS);
  };

  const textInput = (field: 'search' | 'osUser', label: string, hint: string) => (
    <div className="fr-input-group">
      <label className="fr-label" htmlFor={`${id}-${field}`}>
        {label}
        <span className="fr-hint-text">{hint}</span>
      </label>
      <input
        id={`${id}-${field}`}
        className="fr-input"
        type={field === 'search' ? 'search' : 'text'}
        maxLength={field === 'search' ? 200 : 120}
        value={draft[field]}
        onChange={(event) => setDraft({ ...draft, [field]: event.target.value })}
      />
    </div>
  );

  const dateInput = (field: 'from' | 'to', label: string, hint: string) => (
    <TextField
      id={`${id}-${field}`}
      type="date"
      label={label}
      hint={hint}
      value={draft[field]}
      error={dateError?.field === field ? dateError.message : undefined}
      onChange={(value) => setDraft({ ...draft, [field]: value })}
    />
  );

  const rows = page?.rows ?? [];
  const total = page?.total ?? 0;
  const filtered = Object.values(filters).some((v) => v !== '');

  return (
    <section aria-labelledby="journal-title">
      <h1 id="journal-title">Journal des modifications</h1>
      <p className="fr-text--lead">
        Chaque modification des données est enregistrée ici : qui, quand, depuis où, et la valeur avant et après.
      </p>

      <form onSubmit={submit} noValidate aria-label="Filtrer le journal" className="fr-mb-3w">
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-4">
            <div className="fr-select-group">
              <label className="fr-label" htmlFor={`${id}-entity`}>
                Type d'élément
              </label>
              <select
                id={`${id}-entity`}
                className="fr-select"
                value={draft.entity}
                onChange={(event) => setDraft({ ...draft, entity: event.target.value })}
              >
                <option value="">Tous les types</option>
                {AUDIT_ENTITIES.map((e) => (
                  <option key={e.value} value={e.value}>
                    {e.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="fr-col-12 fr-col-md-4">
            {textInput('search', 'Recherche', 'Un mot, un code ou une valeur : 01-03, Mosson, 12…')}
          </div>
          <div className="fr-col-12 fr-col-md-4">
            {textInput('osUser', 'Utilisateur', 'Identifiant de session exact, par exemple jdupont.')}
          </div>
          <div className="fr-col-12 fr-col-md-4">{dateInput('from', 'Du', 'Date de début incluse.')}</div>
          <div className="fr-col-12 fr-col-md-4">{dateInput('to', 'Au', 'Date de fin incluse (toute la journée).')}</div>
        </div>
        <ul className="fr-btns-group fr-btns-group--inline-md fr-mt-2w">
          <li>
            <button className="fr-btn" type="submit">
              Filtrer
            </button>
          </li>
          <li>
            <button className="fr-btn fr-btn--secondary" type="button" onClick={reset}>
              Réinitialiser les filtres
            </button>
          </li>
        </ul>
      </form>

      <ErrorAlert error={error} title="Lecture du journal impossible" />

      <p role="status" aria-live="polite" className="fr-text--sm fr-mb-1w">
        {page === null
          ? error
            ? ''
            : 'Chargement…'
          : total === 0
            ? ''
            : `${plural(total, 'modification')}${filtered ? ' correspondant aux filtres' : ''}.`}
      </p>

      {page !== null && total === 0 && !loading && (
        <div className="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
          <p>
            {filtered ? 'Aucune modification ne correspond à ces filtres.' : "Aucune modification n'a encore été enregistrée."}
          </p>
        </div>
      )}

      {rows.length > 0 && (
        <>
          <div className="fr-table fr-table--no-caption" aria-busy={loading}>
            <table data-testid="audit-table">
              <caption>Journal des modifications</caption>
              <thead>
                <tr>
                  <th scope="col">Date et heure</th>
                  <th scope="col">Utilisateur</th>
                  <th scope="col">Origine</th>
                  <th scope="col">Élément</th>
                  <th scope="col">Action</th>
                  <th scope="col">Champ</th>
                  <th scope="col">Ancienne valeur → nouvelle valeur</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((record) => {
                  const { before, after } = changeParts(record, VALUE_MAX);
                  const full = formatChange(record);
                  return (
                    <tr key={record.id} data-audit-id={record.id}>
                      {/* No-break space: the date and the time stay on one line. */}
                      <td>{formatDateTime(record.at).replace(' ', '\u00a0')}</td>
                      <td>{record.osUser}</td>
                      <td>{originLabel(record.origin)}</td>
                      <td>{elementLabel(record, qrrNames)}</td>
                      <td>{actionLabel(record.action)}</td>
                      <td>{fieldLabel(record.field)}</td>
                      <td title={full !== formatChange(record, VALUE_MAX) ? full : undefined}>
                        {before !== null && <span>{before}</span>}
                        {before !== null && after !== null && (
                          <>
                            <span aria-hidden="true"> → </span>
                            <span className="fr-sr-only"> devient </span>
                          </>
                        )}
                        {after !== null && <strong>{after}</strong>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <nav className="fr-mt-2w" aria-label="Pages du journal">
            <p className="fr-text--sm fr-mb-1w" data-testid="audit-range">
              {pageRangeLabel(offset, rows.length, total)}
            </p>
            <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
              <li>
                <button
                  type="button"
                  className="fr-btn fr-btn--secondary fr-btn--sm"
                  disabled={offset === 0 || loading}
                  onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
                >
                  Précédent
                </button>
              </li>
              <li>
                <button
                  type="button"
                  className="fr-btn fr-btn--secondary fr-btn--sm"
                  disabled={offset + rows.length >= total || loading}
                  onClick={() => setOffset(offset + PAGE_SIZE)}
                >
                  Suivant
                </button>
              </li>
            </ul>
          </nav>
        </>
      )}
    </section>
  );
}
