import type { ApiError } from '../../../shared/ipc/result';

/** A refusal from main, in the DSFR alert style, read out by screen readers. */
export function ErrorAlert({ error, title = 'Enregistrement refusé' }: { error: ApiError | null; title?: string }) {
  if (!error) return null;
  return (
    <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert">
      <h3 className="fr-alert__title">{title}</h3>
      <p>{error.message}</p>
    </div>
  );
}

export function SuccessNotice({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status">
      <p>{message}</p>
    </div>
  );
}

/** The message of the issue concerning one field, for `fr-input-group--error`. */
export const fieldError = (error: ApiError | null, field: string): string | undefined =>
  error?.issues?.find((issue) => issue.path === field || issue.path.startsWith(`${field}.`))?.message;
