import { useEffect, useId, useState } from 'react';
import type { TrustedRoot } from '../../../shared/domain/types';
import { formatDate } from '../../../shared/format/fr';
import type { ApiError } from '../../../shared/ipc/result';
import { api, call } from '../api';
import { fileToBase64 } from '../files';
import { ErrorAlert } from './ErrorAlert';


/** The certification authorities whose signatures the verification of reports trusts. */
export function TrustedRootsPanel() {
  const id = useId();
  const [roots, setRoots] = useState<readonly TrustedRoot[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const reload = () => void call(api().listTrustedRoots()).then((r) => (r.ok ? setRoots(r.value) : setError(r.error)));
  useEffect(reload, []);

  return (
    <div data-testid="trusted-roots">
      <p className="fr-text--sm">
        Les rapports signés par un certificat délivré par l'une de ces autorités sont reconnus « de confiance » à la
        vérification. Ajoutez le certificat racine de votre organisation (fichier .pem, .crt ou .cer fourni par votre
        service informatique).
      </p>
      <ErrorAlert error={error} title="Autorité non ajoutée" />
      {roots.length === 0 ? (
        <p>Aucune autorité ajoutée.</p>
      ) : (
        <ul>
          {roots.map((r) => (
            <li key={r.fingerprint}>
              {r.subject} — valable jusqu'au {formatDate(r.validTo)}{' '}
              <button
                type="button"
                className="fr-btn fr-btn--tertiary-no-outline fr-btn--sm"
                aria-label={`Retirer ${r.subject}`}
                onClick={() => void call(api().removeTrustedRoot({ fingerprint: r.fingerprint })).then((res) => (res.ok ? reload() : setError(res.error)))}
              >
                Retirer
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="fr-upload-group">
        <label className="fr-label" htmlFor={`${id}-root`}>
          Ajouter une autorité de certification
        </label>
        <input
          className="fr-upload"
          type="file"
          id={`${id}-root`}
          accept=".pem,.crt,.cer"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            const result = await call(api().addTrustedRoot({ certificateBase64: await fileToBase64(file) }));
            if (result.ok) {
              setError(null);
              reload();
            } else setError(result.error);
            e.target.value = '';
          }}
        />
      </div>
    </div>
  );
}
