import { useEffect, useId, useState } from 'react';
import type { SigningSetup } from '../../../shared/domain/signing';
import type { ApiError } from '../../../shared/ipc/result';
import { api, call } from '../api';
import { ErrorAlert, SuccessNotice } from './ErrorAlert';

const OTHER = '';

/**
 * Paramètres › the PKCS#11 module of the smart card (carte agent) or USB
 * token: one of the usual modules found on this workstation, or any path.
 * Per user and per workstation; the PIN is never asked here.
 */
export function SigningModulePanel() {
  const id = useId();
  const [setup, setSetup] = useState<SigningSetup | null>(null);
  const [choice, setChoice] = useState(OTHER);
  const [path, setPath] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const show = (value: SigningSetup) => {
    setSetup(value);
    const current = value.pkcs11ModulePath ?? '';
    setChoice(value.proposedModules.includes(current) ? current : OTHER);
    setPath(current);
  };
  useEffect(() => void call(api().getSigningSetup()).then((r) => (r.ok ? show(r.value) : setError(r.error))), []);

  const save = async (modulePath: string | null) => {
    setNotice(null);
    const result = await call(api().setPkcs11Module({ modulePath }));
    if (!result.ok) return setError(result.error);
    setError(null);
    show(result.value);
    setNotice(modulePath ? 'Module de la carte enregistré.' : 'Module de la carte retiré.');
  };

  if (!setup) return null;
  return (
    <div data-testid="pkcs11-module">
      <p className="fr-text--sm">
        Pour signer avec une carte agent ou une clé USB, indiquez la bibliothèque PKCS#11 installée avec son lecteur
        (par exemple <code>opensc-pkcs11.dll</code>). Le code PIN est demandé à chaque signature et n'est jamais
        enregistré.
      </p>
      <ErrorAlert error={error} title="Module non enregistré" />
      <SuccessNotice message={notice} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save((choice || path).trim() || null);
        }}
      >
        <div className="fr-select-group">
          <label className="fr-label" htmlFor={`${id}-proposed`}>
            Module PKCS#11
            <span className="fr-hint-text">
              {setup.proposedModules.length > 0 ? 'Modules trouvés sur ce poste, ou un autre chemin.' : 'Aucun module connu trouvé sur ce poste : indiquez son chemin.'}
            </span>
          </label>
          <select className="fr-select" id={`${id}-proposed`} value={choice} onChange={(e) => setChoice(e.target.value)}>
            {setup.proposedModules.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
            <option value={OTHER}>Autre chemin…</option>
          </select>
        </div>
        {choice === OTHER && (
          <div className="fr-input-group">
            <label className="fr-label" htmlFor={`${id}-path`}>
              Chemin du module
            </label>
            <input className="fr-input" id={`${id}-path`} value={path} spellCheck={false} onChange={(e) => setPath(e.target.value)} />
          </div>
        )}
        <ul className="fr-btns-group fr-btns-group--inline-sm">
          <li>
            <button className="fr-btn" type="submit">
              Enregistrer le module
            </button>
          </li>
          {setup.pkcs11ModulePath && (
            <li>
              <button className="fr-btn fr-btn--secondary" type="button" onClick={() => void save(null)}>
                Ne plus utiliser de carte
              </button>
            </li>
          )}
        </ul>
      </form>
      <p className="fr-text--sm">Module actuel : {setup.pkcs11ModulePath ? <code>{setup.pkcs11ModulePath}</code> : 'aucun'}.</p>
    </div>
  );
}
