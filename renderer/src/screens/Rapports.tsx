import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { ReportRecord, ReportVerdict } from '../../../shared/domain/types';
import { formatDateTime, formatInteger } from '../../../shared/format/fr';
import type { ApiError } from '../../../shared/ipc/result';
import type { ReportModel } from '../../../shared/report/report-model';
import { api, call } from '../api';
import { fileToBase64 } from '../files';
import { EMPTY_SIGNER, SignerChoice, signerRequest, willSign, type SignerDraft } from '../components/SignerChoice';
import { ErrorAlert } from '../components/ErrorAlert';
import { MissingSummary } from '../components/MissingSummary';
import { PeriodBar } from '../components/PeriodBar';
import { isTimestampFailure, timestampText, WithoutTimestampChoice } from '../components/Timestamp';
import { usePeriods } from '../usePeriods';


const yesNo = (v: boolean): string => (v ? 'oui' : 'non');

/**
 * The quarterly report for Matignon: the transmission check, then a PDF signed
 * with the user's certificate (.p12 / .pfx, password asked each time, never
 * kept), optionally marking the quarter transmitted; the reports produced; and
 * the verification of any report PDF. The certificate (.p12 / .pfx file, or a
 * smart card / USB token) is chosen in SignerChoice, pre-filled with the last one used.
 */
export function Rapports() {
  const id = useId();
  const { periods, selected, select, changed, error: periodError } = usePeriods();
  const [model, setModel] = useState<ReportModel | null>(null);
  const [reports, setReports] = useState<readonly ReportRecord[]>([]);
  const [signer, setSigner] = useState<SignerDraft>(EMPTY_SIGNER);
  const signing = willSign(signer);
  const [title, setTitle] = useState('');
  const [visible, setVisible] = useState(true);
  const [transmit, setTransmit] = useState(false);
  const [confirmIncomplete, setConfirmIncomplete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [produced, setProduced] = useState<(ReportRecord & { path: string; pages: number }) | null>(null);
  const [verdict, setVerdict] = useState<ReportVerdict | null>(null);
  const [verifyError, setVerifyError] = useState<ApiError | null>(null);
  /** Offered only once the time-stamp authority failed: the user's explicit choice. */
  const [withoutTimestamp, setWithoutTimestamp] = useState(false);

  const reload = useCallback(async () => {
    if (!selected) return;
    const [m, r] = await Promise.all([call(api().getReportModel({ periodCode: selected.code })), call(api().listReports({ periodCode: selected.code }))]);
    if (m.ok) setModel(m.value);
    else setError(m.error);
    if (r.ok) setReports(r.value);
  }, [selected]);
  useEffect(() => {
    void reload();
  }, [reload]);
  // Another quarter: forget what was produced and confirmed for the previous one.
  useEffect(() => {
    setProduced(null);
    setConfirmIncomplete(false);
    setTransmit(false);
  }, [selected?.code]);

  const generate = async (event: FormEvent) => {
    event.preventDefault();
    if (!selected) return;
    if (transmit && !signing) {
      setError({ code: 'VALIDATION', message: 'Pour transmettre le trimestre, choisissez le certificat qui signera le rapport.' });
      return;
    }
    if (transmit && model && !model.missing.ready && !confirmIncomplete) {
      setError({ code: 'VALIDATION', message: 'Des éléments manquent encore (voir ci-dessus) : cochez la confirmation pour transmettre quand même.' });
      return;
    }
    setBusy(true);
    setError(null);
    setProduced(null);
    const signature = signing
      ? { ...(await signerRequest(signer)), visible, ...(title.trim() ? { title } : {}), ...(withoutTimestamp ? { withoutTimestamp } : {}) }
      : undefined;
    const result = await call(api().generateReport({ periodCode: selected.code, transmit, confirmIncomplete, ...(signature ? { signature } : {}) }));
    setBusy(false);
    setSigner((d) => ({ ...d, password: '', pin: '' })); // asked each time, never kept
    if (!result.ok) return setError(result.error);
    setWithoutTimestamp(false);
    setProduced(result.value);
    if (transmit) {
      setTransmit(false);
      changed({ ...selected, state: 'transmitted' });
    }
    void reload();
  };

  const verify = async (file: File | undefined) => {
    setVerdict(null);
    setVerifyError(null);
    if (!file) return;
    const result = await call(api().verifyReport({ pdfBase64: await fileToBase64(file) }));
    if (result.ok) setVerdict(result.value);
    else setVerifyError(result.error);
  };

  const transmitted = selected?.state === 'transmitted';
  return (
    <section aria-labelledby="rapports-title">
      <h1 id="rapports-title">Rapports</h1>
      <ErrorAlert error={periodError} title="Chargement impossible" />
      <PeriodBar periods={periods} selected={selected} onSelect={select} onChanged={changed} />
      {selected && model && (
        <>
          <h2 className="fr-h4">Rapport du {model.period.label}</h2>
          {!transmitted && <MissingSummary missing={model.missing} />}
          <form onSubmit={generate} noValidate aria-label="Produire le rapport">
            <ErrorAlert error={error} title="Rapport non produit" />
            {(isTimestampFailure(error) || withoutTimestamp) && <WithoutTimestampChoice checked={withoutTimestamp} onChange={setWithoutTimestamp} />}
            <SignerChoice draft={signer} onChange={setSigner} />
            {signing && (
              <>
                <div className="fr-input-group">
                  <label className="fr-label" htmlFor={`${id}-title`}>
                    Qualité du signataire
                    <span className="fr-hint-text">Par défaut : {model.departement.prefetTitle}.</span>
                  </label>
                  <input className="fr-input" id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} />
                </div>
                <div className="fr-checkbox-group fr-mb-2w">
                  <input type="checkbox" id={`${id}-visible`} checked={visible} onChange={(e) => setVisible(e.target.checked)} />
                  <label className="fr-label" htmlFor={`${id}-visible`}>
                    Cadre de signature visible sur la dernière page
                  </label>
                </div>
                {!transmitted && (
                  <div className="fr-checkbox-group fr-mb-2w">
                    <input type="checkbox" id={`${id}-transmit`} checked={transmit} onChange={(e) => setTransmit(e.target.checked)} />
                    <label className="fr-label" htmlFor={`${id}-transmit`}>
                      Transmettre le trimestre (il passera en lecture seule)
                    </label>
                  </div>
                )}
                {transmit && !model.missing.ready && (
                  <div className="fr-checkbox-group fr-mb-2w">
                    <input type="checkbox" id={`${id}-confirm`} checked={confirmIncomplete} onChange={(e) => setConfirmIncomplete(e.target.checked)} />
                    <label className="fr-label" htmlFor={`${id}-confirm`}>
                      Je transmets malgré les éléments manquants
                    </label>
                  </div>
                )}
              </>
            )}
            <button className="fr-btn" type="submit" disabled={busy}>
              {busy ? 'Production en cours…' : signing ? (transmit ? 'Signer et transmettre' : 'Produire et signer le rapport') : 'Produire le rapport non signé'}
            </button>
          </form>
          {produced && (
            <div className="fr-alert fr-alert--success fr-alert--sm fr-mt-2w" role="status" data-testid="report-produced">
              <h3 className="fr-alert__title">{produced.signed ? `Rapport signé par ${produced.signer}` : 'Rapport produit (non signé)'}</h3>
              <p>
                {produced.fileName} — {formatInteger(produced.pages)} pages, enregistré dans <code>{produced.path}</code>
                <br />
                Empreinte SHA-256 : <code>{produced.sha256}</code>
                {produced.transmitted && (
                  <>
                    <br />
                    Le trimestre est transmis : il est désormais en lecture seule.
                  </>
                )}
              </p>
            </div>
          )}
          {reports.length > 0 && (
            <div className="fr-table fr-mt-3w">
              <table data-testid="reports-table">
                <caption>Rapports produits pour ce trimestre</caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Fichier</th>
                    <th scope="col">Signé par</th>
                    <th scope="col">Transmission</th>
                    <th scope="col">Empreinte SHA-256</th>
                  </tr>
                </thead>
                <tbody>
                  {reports.map((r) => (
                    <tr key={r.id}>
                      <td>{formatDateTime(r.generatedAt)}</td>
                      <td>{r.fileName}</td>
                      <td>{r.signed ? r.signer : 'non signé'}</td>
                      <td>{r.transmitted ? 'oui' : 'non'}</td>
                      <td>
                        <code>{r.sha256.slice(0, 16)}…</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <h2 className="fr-h4 fr-mt-6w">Vérifier un rapport</h2>
      <div className="fr-upload-group">
        <label className="fr-label" htmlFor={`${id}-verify`}>
          Rapport PDF à vérifier
          <span className="fr-hint-text">Signature, intégrité, document entier couvert, données jointes.</span>
        </label>
        <input className="fr-upload" type="file" id={`${id}-verify`} accept=".pdf,application/pdf" onChange={(e) => void verify(e.target.files?.[0])} />
      </div>
      <ErrorAlert error={verifyError} title="Vérification impossible" />
      {verdict && (
        <div
          className={`fr-alert fr-alert--sm fr-mt-2w ${verdict.signed && verdict.intact && verdict.coversWholeFile ? 'fr-alert--success' : 'fr-alert--error'}`}
          data-testid="verdict"
        >
          <h3 className="fr-alert__title">
            {!verdict.signed ? 'Document non signé' : verdict.intact && verdict.coversWholeFile ? 'Signature valide' : 'Document modifié après signature'}
          </h3>
          <dl className="qrr-facts">
            <dt>Signataire</dt>
            <dd>{verdict.signer ?? '—'}</dd>
            <dt>Date de signature</dt>
            <dd>{verdict.signingTime ? formatDateTime(verdict.signingTime) : '—'}</dd>
            <dt>Horodatage</dt>
            <dd>{timestampText(verdict.timestamp)}</dd>
            <dt>Intact</dt>
            <dd>{yesNo(verdict.intact)}</dd>
            <dt>Document entier couvert</dt>
            <dd>{yesNo(verdict.coversWholeFile)}</dd>
            <dt>Certificat d'une autorité de confiance</dt>
            <dd>{yesNo(verdict.trusted)}</dd>
            <dt>Données jointes</dt>
            <dd>
              {verdict.attachment
                ? `département ${verdict.attachment.departement}, ${verdict.attachment.period}${verdict.attachment.trusted ? '' : ' (non garanties par la signature)'}`
                : 'aucune'}
            </dd>
          </dl>
          {verdict.problems.length > 0 && (
            <ul>
              {verdict.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
