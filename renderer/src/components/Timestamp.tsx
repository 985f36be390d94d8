import { useEffect, useId, useState } from 'react';
import { WITHOUT_TIMESTAMP_FIELD, type TimestampVerdict, type TsaTestResult } from '../../../shared/domain/timestamp';
import { formatDateTime } from '../../../shared/format/fr';
import type { ApiError } from '../../../shared/ipc/result';
import { api, call } from '../api';
import { ErrorAlert, SuccessNotice } from './ErrorAlert';

/**
 * Paramètres › Horodatage: the département's RFC 3161 time-stamp authority.
 * When set, every signature is time-stamped (PAdES B-T); it is the only
 * server the application ever contacts. « Tester » asks it for a token now.
 */
export function TimestampPanel() {
  const id = useId();
  const [url, setUrl] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tested, setTested] = useState<TsaTestResult | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void call(api().getTimestampSettings()).then((r) => {
      if (!r.ok) return setError(r.error);
      setSaved(r.value.tsaUrl);
      setUrl(r.value.tsaUrl ?? '');
    });
  }, []);

  const reset = () => {
    setError(null);
    setNotice(null);
    setTested(null);
  };
  const save = async () => {
    reset();
    const result = await call(api().saveTimestampSettings({ tsaUrl: url.trim() === '' ? null : url.trim() }));
    if (!result.ok) return setError(result.error);
    setSaved(result.value.tsaUrl);
    setUrl(result.value.tsaUrl ?? '');
    setNotice(result.value.tsaUrl ? 'Autorité d’horodatage enregistrée : les prochaines signatures seront horodatées.' : 'Horodatage désactivé : les signatures ne seront plus horodatées.');
  };
  const test = async () => {
    reset();
    setBusy(true);
    const result = await call(api().testTimestampAuthority({ tsaUrl: url.trim() }));
    setBusy(false);
    if (result.ok) setTested(result.value);
    else setError(result.error);
  };

  return (
    <div data-testid="timestamp-settings">
      <p className="fr-text--sm">
        Une autorité d’horodatage (RFC 3161) certifie l’heure de chaque signature : la date du rapport est alors prouvée, et
        non plus seulement déclarée par l’ordinateur du signataire. Indiquez l’adresse fournie par votre service informatique ;
        c’est le seul serveur que l’application contacte. Laissez vide pour ne pas horodater.
      </p>
      <ErrorAlert error={error} title="Horodatage" />
      <SuccessNotice message={notice} />
      {tested && (
        <div className={`fr-alert fr-alert--sm fr-mb-3w ${tested.trusted ? 'fr-alert--success' : 'fr-alert--warning'}`} role="status" data-testid="tsa-test-result">
          <p>{tested.message}</p>
        </div>
      )}
      <div className="fr-input-group">
        <label className="fr-label" htmlFor={`${id}-tsa`}>
          Adresse de l’autorité d’horodatage
          <span className="fr-hint-text">Par exemple http://horodatage.interne.gouv.fr/tsa{saved ? '' : ' — aucune pour l’instant'}</span>
        </label>
        <input className="fr-input" id={`${id}-tsa`} type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} />
      </div>
      <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
        <li>
          <button type="button" className="fr-btn" onClick={() => void save()} disabled={url.trim() === (saved ?? '')}>
            Enregistrer l’adresse
          </button>
        </li>
        <li>
          <button type="button" className="fr-btn fr-btn--secondary" onClick={() => void test()} disabled={busy || url.trim() === ''}>
            {busy ? 'Test en cours…' : 'Tester'}
          </button>
        </li>
      </ul>
    </div>
  );
}

/** The refusal came from the time-stamp authority: the user may choose to sign without. */
export const isTimestampFailure = (error: ApiError | null): boolean => error?.issues?.some((i) => i.path === WITHOUT_TIMESTAMP_FIELD) === true;

/** Rapports: the explicit choice offered after the time-stamp authority failed. */
export function WithoutTimestampChoice({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="fr-checkbox-group fr-mb-2w" data-testid="without-timestamp">
      <input type="checkbox" id={id} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label className="fr-label" htmlFor={id}>
        Signer sans horodatage
        <span className="fr-hint-text">La date de signature sera seulement celle de cet ordinateur, sans preuve.</span>
      </label>
    </div>
  );
}

/** The verification's « Horodatage » line. */
export function timestampText(t: TimestampVerdict | null): string {
  if (!t) return 'aucun (date déclarée par le signataire seulement)';
  if (!t.time) return 'illisible';
  const when = `${formatDateTime(t.time)}${t.tsa ? `, par « ${t.tsa} »` : ''}`;
  if (!t.imprintMatches) return `${when} — ne porte pas sur cette signature`;
  return t.trusted ? `${when} — heure prouvée` : `${when} — autorité d’horodatage non reconnue`;
}
