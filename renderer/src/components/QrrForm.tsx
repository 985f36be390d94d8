import { useId, useState, type FormEvent } from 'react';
import { normaliseQpvCode } from '../../../shared/domain/qpv';
import { PERSON_NAME_MAX, QRR_NAME_MAX } from '../../../shared/domain/qrr';
import {
  QRR_WAVES,
  QRR_WAVE_LABELS,
  SECURITY_ZONES,
  SECURITY_ZONE_LABELS,
  type Commune,
  type QrrWave,
  type SecurityZone,
} from '../../../shared/domain/types';
import { formatInteger } from '../../../shared/format/fr';
import { parseFrenchInteger } from '../../../shared/format/number-fr';
import type { ApiError, Result } from '../../../shared/ipc/result';
import { CommunePicker } from './CommunePicker';
import { ErrorAlert, fieldError } from './ErrorAlert';
import { TextField } from './TextField';

export interface QrrDraft {
  name: string;
  communes: string[];
  qpvCodes: string[];
  securityZone: SecurityZone | null;
  wave: QrrWave | null;
  deleguePrefet: string;
  referents: string;
  population: number | null;
  notes: string;
}

export const EMPTY_QRR_DRAFT: QrrDraft = {
  name: '',
  communes: [],
  qpvCodes: [],
  securityZone: null,
  wave: null,
  deleguePrefet: '',
  referents: '',
  population: null,
  notes: '',
};

/** QPV codes as typed: separated by spaces, commas or semicolons. */
const splitQpv = (text: string): string[] => text.split(/[\s,;]+/).map(normaliseQpvCode).filter(Boolean);

/** Create or edit a QRR. Main validates again; its refusal is shown next to the fields. */
export function QrrForm({
  communes,
  initial = EMPTY_QRR_DRAFT,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  communes: readonly Commune[];
  initial?: QrrDraft;
  submitLabel: string;
  onSubmit: (draft: QrrDraft) => Promise<Result<unknown>>;
  onCancel?: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<QrrDraft>(initial);
  const [qpvText, setQpvText] = useState(initial.qpvCodes.join(' '));
  const [populationText, setPopulationText] = useState(initial.population === null ? '' : formatInteger(initial.population));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let population: number | null = null;
    if (populationText.trim() !== '') {
      const parsed = parseFrenchInteger(populationText);
      if (!parsed.ok || parsed.value < 0) {
        const message = parsed.ok ? 'La population ne peut pas être négative.' : parsed.message;
        setError({ code: 'VALIDATION', message, issues: [{ path: 'population', message }] });
        return;
      }
      population = parsed.value;
    }
    setBusy(true);
    const result = await onSubmit({ ...draft, qpvCodes: splitQpv(qpvText), population });
    setBusy(false);
    if (result.ok) {
      setError(null);
      setDraft(initial);
      setQpvText(initial.qpvCodes.join(' '));
      setPopulationText('');
    } else {
      setError(result.error);
    }
  };

  const input = (field: 'name' | 'deleguePrefet', label: string, hint: string, maxLength: number) => (
    <TextField
      id={`${id}-${field}`}
      name={field}
      label={label}
      hint={hint}
      maxLength={maxLength}
      value={draft[field]}
      error={fieldError(error, field)}
      onChange={(value) => setDraft({ ...draft, [field]: value })}
    />
  );

  const select = <T extends string>(
    field: 'securityZone' | 'wave',
    label: string,
    values: readonly T[],
    labels: Readonly<Record<T, string>>,
  ) => (
    <div className="fr-select-group">
      <label className="fr-label" htmlFor={`${id}-${field}`}>
        {label}
      </label>
      <select
        id={`${id}-${field}`}
        className="fr-select"
        value={draft[field] ?? ''}
        onChange={(event) => setDraft({ ...draft, [field]: event.target.value === '' ? null : event.target.value })}
      >
        <option value="">Non renseignée</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {labels[v]}
          </option>
        ))}
      </select>
    </div>
  );

  const qpvError = fieldError(error, 'qpvCodes');
  const populationError = fieldError(error, 'population');
  return (
    <form onSubmit={submit} noValidate aria-label={submitLabel}>
      <ErrorAlert error={error} />
      {input('name', 'Nom du quartier', 'Par exemple « QRR Nord » ou le nom usuel du quartier.', QRR_NAME_MAX)}
      <CommunePicker
        communes={communes}
        value={draft.communes}
        onChange={(codes) => setDraft({ ...draft, communes: codes })}
        error={fieldError(error, 'communes')}
      />
      <div className={`fr-input-group${qpvError ? ' fr-input-group--error' : ''}`}>
        <label className="fr-label" htmlFor={`${id}-qpv`}>
          Quartiers prioritaires (QPV)
          <span className="fr-hint-text">
            Codes séparés par des espaces : QN + département + numéro + lettre (liste 2024, ex. QN09301M) ou QP + département +
            numéro (liste 2015).
          </span>
        </label>
        <input id={`${id}-qpv`} className="fr-input" name="qpvCodes" value={qpvText} onChange={(e) => setQpvText(e.target.value)} />
        {qpvError && <p className="fr-error-text">{qpvError}</p>}
      </div>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-4">{select('securityZone', 'Zone de sécurité', SECURITY_ZONES, SECURITY_ZONE_LABELS)}</div>
        <div className="fr-col-12 fr-col-md-4">{select('wave', 'Vague de création', QRR_WAVES, QRR_WAVE_LABELS)}</div>
        <div className="fr-col-12 fr-col-md-4">
          <div className={`fr-input-group${populationError ? ' fr-input-group--error' : ''}`}>
            <label className="fr-label" htmlFor={`${id}-population`}>
              Population
            </label>
            <input
              id={`${id}-population`}
              className="fr-input"
              inputMode="numeric"
              value={populationText}
              onChange={(e) => setPopulationText(e.target.value)}
            />
            {populationError && <p className="fr-error-text">{populationError}</p>}
          </div>
        </div>
      </div>
      {input('deleguePrefet', 'Délégué du préfet', 'Le délégué du préfet chargé du plan dans ce quartier.', PERSON_NAME_MAX)}
      <div className="fr-input-group">
        <label className="fr-label" htmlFor={`${id}-referents`}>
          Référents
          <span className="fr-hint-text">Éducation nationale, police ou gendarmerie, collectivité… un par ligne.</span>
        </label>
        <textarea id={`${id}-referents`} className="fr-input" rows={3} value={draft.referents} onChange={(e) => setDraft({ ...draft, referents: e.target.value })} />
      </div>
      <div className="fr-input-group">
        <label className="fr-label" htmlFor={`${id}-notes`}>
          Notes
        </label>
        <textarea id={`${id}-notes`} className="fr-input" rows={3} value={draft.notes} onChange={(e) => setDraft({ ...draft, notes: e.target.value })} />
      </div>
      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li>
          <button className="fr-btn" type="submit" disabled={busy}>
            {submitLabel}
          </button>
        </li>
        {onCancel && (
          <li>
            <button className="fr-btn fr-btn--secondary" type="button" onClick={onCancel}>
              Annuler
            </button>
          </li>
        )}
      </ul>
    </form>
  );
}
