import { useCallback, useEffect, useId, useState } from 'react';
import type { SigningChoice, SigningSetup, TokenCertificateDto } from '../../../shared/domain/signing';
import { formatDate } from '../../../shared/format/fr';
import type { ApiError } from '../../../shared/ipc/result';
import { api, call } from '../api';
import { fileToBase64 } from '../files';
import { ErrorAlert } from './ErrorAlert';

/** What the user chose to sign with; the password and PIN live here only until the request is sent. */
export interface SignerDraft {
  readonly mode: 'p12' | 'token';
  readonly p12File: File | null;
  /** A .p12 / .pfx path on this workstation (remembered after a signature). */
  readonly p12Path: string;
  readonly password: string;
  readonly certificate: TokenCertificateDto | null;
  readonly pin: string;
}

export const EMPTY_SIGNER: SignerDraft = { mode: 'p12', p12File: null, p12Path: '', password: '', certificate: null, pin: '' };

/** True when the report will be signed. */
export const willSign = (d: SignerDraft): boolean => (d.mode === 'p12' ? d.p12File !== null || d.p12Path.trim() !== '' : d.certificate !== null);

/** The signer part of a generateReport request. */
export async function signerRequest(d: SignerDraft) {
  if (d.mode === 'token' && d.certificate) {
    const c = d.certificate;
    return { token: { slot: c.slot, tokenLabel: c.tokenLabel, tokenSerial: c.tokenSerial, certificateId: c.id }, pin: d.pin };
  }
  if (d.p12File) return { p12Base64: await fileToBase64(d.p12File), password: d.password };
  return { p12Path: d.p12Path.trim(), password: d.password };
}

const sameCertificate = (choice: SigningChoice | null, c: TokenCertificateDto): boolean =>
  choice?.kind === 'pkcs11' && choice.certificateId === c.id && (choice.tokenSerial === c.tokenSerial || choice.tokenLabel === c.tokenLabel);

/**
 * Rapports › who signs: a .p12 / .pfx file (chosen, or its path, remembered)
 * with its password, or a certificate of the smart card / USB token (through
 * the module set in Paramètres) with its PIN. Pre-filled with the certificate
 * used last time; the password and the PIN are typed each time.
 */
export function SignerChoice({ draft, onChange }: { draft: SignerDraft; onChange: (draft: SignerDraft) => void }) {
  const id = useId();
  const [setup, setSetup] = useState<SigningSetup | null>(null);
  const [certificates, setCertificates] = useState<readonly TokenCertificateDto[] | null>(null);
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const readCard = useCallback(async (remembered: SigningChoice | null, current: SignerDraft) => {
    setReading(true);
    setError(null);
    const result = await call(api().listTokenCertificates());
    setReading(false);
    if (!result.ok) {
      setCertificates(null);
      return setError(result.error);
    }
    setCertificates(result.value);
    const again = result.value.find((c) => sameCertificate(remembered, c)) ?? (result.value.length === 1 ? result.value[0]! : null);
    onChange({ ...current, mode: 'token', certificate: again });
  }, [onChange]);

  // Once per visit: the remembered choice pre-fills the form (the card is read when it was a card).
  useEffect(() => {
    void call(api().getSigningSetup()).then((r) => {
      if (!r.ok) return setError(r.error);
      setSetup(r.value);
      const last = r.value.lastChoice;
      if (last?.kind === 'p12') onChange({ ...EMPTY_SIGNER, p12Path: last.path });
      else if (last?.kind === 'pkcs11' && r.value.pkcs11ModulePath) void readCard(last, { ...EMPTY_SIGNER, mode: 'token' });
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const moduleSet = Boolean(setup?.pkcs11ModulePath);
  return (
    <fieldset className="fr-fieldset fr-mb-2w" data-testid="signer-choice">
      <legend className="fr-fieldset__legend">Signature du rapport</legend>
      <div className="fr-fieldset__element">
        <div className="fr-radio-group">
          <input type="radio" id={`${id}-p12`} name={`${id}-mode`} checked={draft.mode === 'p12'} onChange={() => onChange({ ...draft, mode: 'p12' })} />
          <label className="fr-label" htmlFor={`${id}-p12`}>
            Fichier .p12 / .pfx
          </label>
        </div>
        <div className="fr-radio-group">
          <input
            type="radio"
            id={`${id}-token`}
            name={`${id}-mode`}
            checked={draft.mode === 'token'}
            onChange={() => {
              onChange({ ...draft, mode: 'token' });
              if (moduleSet && certificates === null) void readCard(setup?.lastChoice ?? null, { ...draft, mode: 'token' });
            }}
          />
          <label className="fr-label" htmlFor={`${id}-token`}>
            Carte agent / clé USB
          </label>
        </div>
      </div>
      <ErrorAlert error={error} title="Carte illisible" />

      {draft.mode === 'p12' && (
        <>
          <div className="fr-upload-group fr-mb-2w">
            <label className="fr-label" htmlFor={`${id}-file`}>
              Certificat de signature (.p12 ou .pfx)
              <span className="fr-hint-text">Sans certificat, le rapport est produit « non signé ».</span>
            </label>
            <input
              className="fr-upload"
              type="file"
              id={`${id}-file`}
              accept=".p12,.pfx,application/x-pkcs12"
              onChange={(e) => onChange({ ...draft, p12File: e.target.files?.[0] ?? null })}
            />
          </div>
          {!draft.p12File && (
            <div className="fr-input-group">
              <label className="fr-label" htmlFor={`${id}-path`}>
                Ou emplacement du certificat sur ce poste
                <span className="fr-hint-text">Retenu après la signature pour la prochaine fois (jamais le mot de passe).</span>
              </label>
              <input className="fr-input" id={`${id}-path`} spellCheck={false} value={draft.p12Path} onChange={(e) => onChange({ ...draft, p12Path: e.target.value })} />
            </div>
          )}
          {willSign(draft) && (
            <div className="fr-input-group">
              <label className="fr-label" htmlFor={`${id}-password`}>
                Mot de passe du certificat
                <span className="fr-hint-text">Demandé à chaque signature ; il n'est jamais enregistré.</span>
              </label>
              <input className="fr-input" type="password" id={`${id}-password`} autoComplete="off" value={draft.password} onChange={(e) => onChange({ ...draft, password: e.target.value })} />
            </div>
          )}
        </>
      )}

      {draft.mode === 'token' && !moduleSet && (
        <p className="fr-text--sm" data-testid="no-module">
          Indiquez d'abord dans les Paramètres le module PKCS#11 de votre carte (bibliothèque fournie avec le lecteur).
        </p>
      )}
      {draft.mode === 'token' && moduleSet && (
        <>
          <button className="fr-btn fr-btn--secondary fr-btn--sm fr-mb-2w" type="button" disabled={reading} onClick={() => void readCard(setup?.lastChoice ?? null, draft)}>
            {reading ? 'Lecture de la carte…' : 'Lire la carte'}
          </button>
          {certificates !== null && certificates.length === 0 && <p className="fr-text--sm">Aucun certificat de signature sur la carte insérée.</p>}
          {certificates !== null && certificates.length > 0 && (
            <div className="fr-fieldset__element" role="radiogroup" aria-label="Certificat de la carte">
              {certificates.map((c) => (
                <div className="fr-radio-group" key={`${c.tokenSerial}-${c.slot}-${c.id}`}>
                  <input
                    type="radio"
                    id={`${id}-cert-${c.slot}-${c.id}`}
                    name={`${id}-certificate`}
                    checked={draft.certificate?.id === c.id && draft.certificate.slot === c.slot}
                    onChange={() => onChange({ ...draft, certificate: c })}
                  />
                  <label className="fr-label" htmlFor={`${id}-cert-${c.slot}-${c.id}`}>
                    {c.subject}
                    <span className="fr-hint-text">
                      {c.label ? `« ${c.label} », ` : ''}carte « {c.tokenLabel} », émis par {c.issuer}, valable jusqu'au {formatDate(c.notAfter)}
                    </span>
                  </label>
                </div>
              ))}
            </div>
          )}
          {draft.certificate && (
            <div className="fr-input-group">
              <label className="fr-label" htmlFor={`${id}-pin`}>
                Code PIN de la carte
                <span className="fr-hint-text">Demandé à chaque signature ; il n'est jamais enregistré. La carte se bloque après plusieurs codes faux.</span>
              </label>
              <input className="fr-input" type="password" inputMode="numeric" id={`${id}-pin`} autoComplete="off" value={draft.pin} onChange={(e) => onChange({ ...draft, pin: e.target.value })} />
            </div>
          )}
        </>
      )}
    </fieldset>
  );
}
