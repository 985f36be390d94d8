import type { HTMLInputTypeAttribute } from 'react';

/** A DSFR text input with its label, hint and error message (the error is tied to the input for screen readers). */
export function TextField({
  id,
  label,
  hint,
  error,
  value,
  onChange,
  name,
  maxLength,
  type = 'text',
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  value: string;
  onChange: (value: string) => void;
  name?: string;
  maxLength?: number;
  type?: HTMLInputTypeAttribute;
}) {
  return (
    <div className={`fr-input-group${error ? ' fr-input-group--error' : ''}`}>
      <label className="fr-label" htmlFor={id}>
        {label}
        {hint && <span className="fr-hint-text">{hint}</span>}
      </label>
      <input
        id={id}
        className={`fr-input${error ? ' fr-input--error' : ''}`}
        type={type}
        {...(name ? { name } : {})}
        {...(maxLength ? { maxLength } : {})}
        value={value}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {error && (
        <p id={`${id}-error`} className="fr-error-text">
          {error}
        </p>
      )}
    </div>
  );
}
