import { useId, useMemo, useState } from 'react';
import { matchesSearch } from '../../../shared/format/search';
import type { Commune } from '../../../shared/domain/types';

const MAX_SUGGESTIONS = 12;

/**
 * Chooses communes of the département: type part of a name (accents and
 * hyphens optional) or an INSEE code, click to add; chosen ones are tags.
 */
export function CommunePicker({
  communes,
  value,
  onChange,
  error,
}: {
  communes: readonly Commune[];
  value: readonly string[];
  onChange: (codes: string[]) => void;
  error?: string | undefined;
}) {
  const id = useId();
  const [query, setQuery] = useState('');
  const byCode = useMemo(() => new Map(communes.map((c) => [c.code, c])), [communes]);
  const suggestions = useMemo(() => {
    if (query.trim() === '') return [];
    return communes.filter((c) => !value.includes(c.code) && matchesSearch(query, c.nom, c.code)).slice(0, MAX_SUGGESTIONS);
  }, [communes, query, value]);

  return (
    <div className={`fr-input-group${error ? ' fr-input-group--error' : ''}`}>
      <label className="fr-label" htmlFor={`${id}-search`}>
        Communes du quartier
        <span className="fr-hint-text">Tapez le début du nom ou le code INSEE, puis choisissez dans la liste.</span>
      </label>
      {value.length > 0 && (
        <ul className="fr-tags-group fr-mt-1w" aria-label="Communes choisies">
          {value.map((code) => (
            <li key={code}>
              <button
                type="button"
                className="fr-tag fr-tag--sm fr-tag--dismiss"
                aria-label={`Retirer ${byCode.get(code)?.nom ?? code}`}
                onClick={() => onChange(value.filter((c) => c !== code))}
              >
                {byCode.get(code)?.nom ?? code} ({code})
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id={`${id}-search`}
        className="fr-input"
        type="search"
        autoComplete="off"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && suggestions[0]) {
            event.preventDefault();
            onChange([...value, suggestions[0].code]);
            setQuery('');
          }
        }}
      />
      {suggestions.length > 0 && (
        <ul className="qrr-suggestions" aria-label="Communes correspondantes">
          {suggestions.map((c) => (
            <li key={c.code}>
              <button
                type="button"
                className="fr-btn fr-btn--tertiary-no-outline fr-btn--sm"
                onClick={() => {
                  onChange([...value, c.code]);
                  setQuery('');
                }}
              >
                {c.nom} ({c.code})
              </button>
            </li>
          ))}
        </ul>
      )}
      {query.trim() !== '' && suggestions.length === 0 && (
        <p className="fr-hint-text fr-mt-1w">Aucune commune du département ne correspond à « {query} ».</p>
      )}
      {error && <p className="fr-error-text">{error}</p>}
    </div>
  );
}
