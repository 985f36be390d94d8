import { useId, useState, type FormEvent } from 'react';
import { QRR_NAME_MAX } from '../../../shared/domain/qrr';
import type { Commune } from '../../../shared/domain/types';
import type { ApiError, Result } from '../../../shared/ipc/result';
import { CommunePicker } from './CommunePicker';
import { ErrorAlert, fieldError } from './ErrorAlert';

export interface QrrDraft {
  name: string;
  communes: string[];
}

/** Create or edit a QRR. Main validates again; its refusal is shown next to the fields. */
export function QrrForm({
  communes,
  initial = { name: '', communes: [] },
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
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const result = await onSubmit(draft);
    setBusy(false);
    if (result.ok) {
      setError(null);
      setDraft(initial);
    } else {
      setError(result.error);
    }
  };

  const nameError = fieldError(error, 'name');
  return (
    <form onSubmit={submit} noValidate aria-label={submitLabel}>
      <ErrorAlert error={error} />
      <div className={`fr-input-group${nameError ? ' fr-input-group--error' : ''}`}>
        <label className="fr-label" htmlFor={`${id}-name`}>
          Nom du quartier
          <span className="fr-hint-text">Par exemple « QRR Nord » ou le nom usuel du quartier.</span>
        </label>
        <input
          id={`${id}-name`}
          className="fr-input"
          name="name"
          maxLength={QRR_NAME_MAX}
          value={draft.name}
          onChange={(event) => setDraft({ ...draft, name: event.target.value })}
        />
        {nameError && <p className="fr-error-text">{nameError}</p>}
      </div>
      <CommunePicker
        communes={communes}
        value={draft.communes}
        onChange={(codes) => setDraft({ ...draft, communes: codes })}
        error={fieldError(error, 'communes')}
      />
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
