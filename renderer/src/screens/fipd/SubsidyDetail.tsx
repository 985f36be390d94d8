import { useId, useState, type FormEvent } from 'react';
import {
  PAYMENT_KINDS,
  PAYMENT_KIND_LABELS,
  SUBSIDY_DOCUMENTS,
  SUBSIDY_DOCUMENT_LABELS,
  parseFrenchDateToIso,
  type PaymentKind,
  type SubsidyRecord,
} from '../../../../shared/domain/fipd';
import { formatDate } from '../../../../shared/format/fr';
import { formatEurosFromCents, parseFrenchAmountToCents } from '../../../../shared/format/number-fr';
import type { ApiError } from '../../../../shared/ipc/result';
import { api, call } from '../../api';
import { CellHistory } from '../../components/CellHistory';
import { ErrorAlert } from '../../components/ErrorAlert';

/** One subsidy's payments (advance, balance…), its warnings and its history; add or remove a payment. */
export function SubsidyDetail({ subsidy, onChanged }: { subsidy: SubsidyRecord; onChanged: () => void }) {
  const id = useId();
  const [paidOn, setPaidOn] = useState('');
  const [amount, setAmount] = useState('');
  const [kind, setKind] = useState<PaymentKind>('avance');
  const [error, setError] = useState<ApiError | null>(null);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const date = parseFrenchDateToIso(paidOn);
    const cents = parseFrenchAmountToCents(amount);
    if (!date.ok || !cents.ok) {
      setError({ code: 'VALIDATION', message: [!date.ok ? date.message : '', !cents.ok ? cents.message : ''].filter(Boolean).join(' ') });
      return;
    }
    const result = await call(api().addPayment({ subsidyId: subsidy.id, paidOn: date.value, amountCents: cents.value, kind, via: 'saisie' }));
    if (!result.ok) return setError(result.error);
    setError(null);
    setPaidOn('');
    setAmount('');
    onChanged();
  };

  return (
    <section className="qrr-assessment fr-p-2w" aria-labelledby={`${id}-title`} data-testid="subsidy-detail">
      <h2 id={`${id}-title`} className="fr-h6">
        Subvention n° {subsidy.id} — {subsidy.beneficiaryName} : {subsidy.title}
      </h2>
      {subsidy.flags.length > 0 && (
        <ul className="fr-text--sm">
          {subsidy.flags.map((f) => (
            <li key={f.code}>⚠ {f.message}</li>
          ))}
        </ul>
      )}
      <fieldset className="fr-fieldset" aria-labelledby={`${id}-docs`}>
        <legend id={`${id}-docs`} className="fr-fieldset__legend fr-text--regular">
          Pièces reçues
        </legend>
        {SUBSIDY_DOCUMENTS.map((doc) => (
          <div key={doc} className="fr-checkbox-group fr-checkbox-group--sm">
            <input
              type="checkbox"
              id={`${id}-${doc}`}
              checked={subsidy.documents.includes(doc)}
              onChange={async (e) => {
                const documents = e.target.checked ? [...subsidy.documents, doc] : subsidy.documents.filter((d) => d !== doc);
                const result = await call(api().saveSubsidy({ id: subsidy.id, documents, via: 'saisie' }));
                if (result.ok) onChanged();
                else setError(result.error);
              }}
            />
            <label className="fr-label" htmlFor={`${id}-${doc}`}>
              {SUBSIDY_DOCUMENT_LABELS[doc]}
            </label>
          </div>
        ))}
      </fieldset>
      <h3 className="fr-h6">Versements</h3>
      {subsidy.payments.length === 0 ? (
        <p className="fr-text--sm">Aucun versement.</p>
      ) : (
        <ul className="fr-text--sm" data-testid="payments">
          {subsidy.payments.map((p) => (
            <li key={p.id}>
              {formatDate(`${p.paidOn}T12:00:00Z`)} — {PAYMENT_KIND_LABELS[p.kind]} — {formatEurosFromCents(p.amountCents)}{' '}
              <button
                type="button"
                className="fr-btn fr-btn--tertiary-no-outline fr-btn--sm"
                onClick={() => void call(api().deletePayment({ id: p.id, via: 'saisie' })).then((r) => (r.ok ? onChanged() : setError(r.error)))}
              >
                Supprimer
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={add} noValidate aria-label="Enregistrer un versement" className="qrr-parts">
        <ErrorAlert error={error} title="Versement refusé" />
        <div className="fr-input-group">
          <label className="fr-label" htmlFor={`${id}-date`}>
            Date du versement
            <span className="fr-hint-text">jj/mm/aaaa</span>
          </label>
          <input className="fr-input" id={`${id}-date`} value={paidOn} onChange={(e) => setPaidOn(e.target.value)} />
        </div>
        <div className="fr-input-group">
          <label className="fr-label" htmlFor={`${id}-amount`}>
            Montant (€)
          </label>
          <input className="fr-input" id={`${id}-amount`} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        </div>
        <div className="fr-select-group">
          <label className="fr-label" htmlFor={`${id}-kind`}>
            Nature
          </label>
          <select className="fr-select" id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as PaymentKind)}>
            {PAYMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {PAYMENT_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit" className="fr-btn fr-btn--sm fr-mt-4w">
            Enregistrer le versement
          </button>
        </div>
      </form>
      <CellHistory entity="subsidy" entityId={String(subsidy.id)} refreshKey={subsidy.updatedAt + subsidy.payments.length} />
    </section>
  );
}
