import { useId, useState, type FormEvent } from 'react';
import { PERSON_NAME_MAX } from '../../../shared/domain/qrr';
import type { Departement, Settings } from '../../../shared/domain/types';
import type { ApiError, Result } from '../../../shared/ipc/result';
import { ErrorAlert, fieldError } from './ErrorAlert';
import { TextField } from './TextField';

export interface SettingsDraft {
  departementCode: string;
  prefetName: string;
  coordinatorName: string;
}

export function SettingsForm({
  departements,
  initial,
  departementLocked,
  submitLabel,
  onSubmit,
}: {
  departements: readonly Departement[];
  initial: Settings | null;
  departementLocked: boolean;
  submitLabel: string;
  onSubmit: (draft: SettingsDraft) => Promise<Result<unknown>>;
}) {
  const id = useId();
  const [draft, setDraft] = useState<SettingsDraft>({
    departementCode: initial?.departementCode ?? '',
    prefetName: initial?.prefetName ?? '',
    coordinatorName: initial?.coordinatorName ?? '',
  });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (draft.departementCode === '') {
      setError({
        code: 'VALIDATION',
        message: 'Choisissez le département.',
        issues: [{ path: 'departementCode', message: 'Le département est obligatoire.' }],
      });
      return;
    }
    setBusy(true);
    const result = await onSubmit(draft);
    setBusy(false);
    setError(result.ok ? null : result.error);
  };

  const depError = fieldError(error, 'departementCode');
  const text = (field: 'prefetName' | 'coordinatorName', label: string, hint: string) => (
    <TextField
      id={`${id}-${field}`}
      name={field}
      label={label}
      hint={hint}
      maxLength={PERSON_NAME_MAX}
      value={draft[field]}
      error={fieldError(error, field)}
      onChange={(value) => setDraft({ ...draft, [field]: value })}
    />
  );

  return (
    <form onSubmit={submit} noValidate aria-label={submitLabel}>
      <ErrorAlert error={error} />
      <div className={`fr-select-group${depError ? ' fr-select-group--error' : ''}`}>
        <label className="fr-label" htmlFor={`${id}-departement`}>
          Département
          {departementLocked && (
            <span className="fr-hint-text">
              Des quartiers sont enregistrés : le département ne peut plus changer. Utilisez une autre base pour un autre
              département.
            </span>
          )}
        </label>
        <select
          id={`${id}-departement`}
          className="fr-select"
          name="departementCode"
          value={draft.departementCode}
          disabled={departementLocked}
          onChange={(event) => setDraft({ ...draft, departementCode: event.target.value })}
        >
          <option value="" disabled>
            Sélectionnez le département
          </option>
          {departements.map((d) => (
            <option key={d.code} value={d.code}>
              {d.code} — {d.nom}
            </option>
          ))}
        </select>
        {depError && <p className="fr-error-text">{depError}</p>}
      </div>
      {text('prefetName', 'Nom du préfet', 'Il figurera sur la couverture des rapports.')}
      {text('coordinatorName', 'Coordinateur ou coordinatrice', 'La personne qui tient ce tableau de bord.')}
      <button className="fr-btn" type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
