import { useCallback, useEffect, useId, useState } from 'react';
import type { SansObjetItemType, SansObjetState } from '../../../shared/domain/sans-objet';
import type { IndicatorTarget } from '../../../shared/domain/targets';
import type { Qrr } from '../../../shared/domain/types';
import { formatNumberFr, parseFrenchNumber } from '../../../shared/format/number-fr';
import type { ApiError } from '../../../shared/ipc/result';
import type { Engagement, Indicator } from '../../../shared/referential/types';
import { api, call } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';

type Draft = { initialValue: string; initialDate: string; targetValue: string; targetDeadline: string };

const draftOf = (t: IndicatorTarget | undefined): Draft => ({
  initialValue: t?.initialValue == null ? '' : formatNumberFr(t.initialValue),
  initialDate: t?.initialDate ?? '',
  targetValue: t?.targetValue == null ? '' : formatNumberFr(t.targetValue),
  targetDeadline: t?.targetDeadline ?? '',
});

/** « Sans objet » toggle with its reason, for one indicator or action of the QRR. */
function SansObjetCell({
  qrrId,
  itemType,
  code,
  state,
  onSaved,
  onError,
}: {
  qrrId: number;
  itemType: SansObjetItemType;
  code: string;
  state: SansObjetState | undefined;
  onSaved: (states: readonly SansObjetState[]) => void;
  onError: (e: ApiError | null) => void;
}) {
  const id = useId();
  const [reason, setReason] = useState(state?.reason ?? '');
  useEffect(() => setReason(state?.sansObjet ? state.reason : (state?.proposal ?? '')), [state]);
  const active = state?.sansObjet ?? false;
  const save = async (sansObjet: boolean) => {
    const r = await call(api().saveSansObjet({ qrrId, itemType, code, sansObjet, reason }));
    if (r.ok) {
      onError(null);
      onSaved(r.value);
    } else onError(r.error);
  };
  return (
    <div className="qrr-sans-objet" data-testid={`sans-objet-${itemType}-${code}`}>
      <div className="fr-checkbox-group fr-checkbox-group--sm">
        <input type="checkbox" id={`${id}-so`} checked={active} onChange={(e) => void save(e.target.checked)} />
        <label className="fr-label" htmlFor={`${id}-so`}>
          Sans objet{state?.origin === 'propose' ? ' (proposé)' : ''}
        </label>
      </div>
      <input
        className="fr-input fr-input--sm"
        aria-label={`Motif « sans objet » ${code}`}
        placeholder="Motif"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        onBlur={() => active && reason !== state?.reason && void save(true)}
      />
    </div>
  );
}

function TargetRow({
  qrrId,
  indicator,
  target,
  sansObjet,
  onSaved,
  onError,
}: {
  qrrId: number;
  indicator: Indicator;
  target: IndicatorTarget | undefined;
  sansObjet: React.ReactNode;
  onSaved: () => void;
  onError: (e: ApiError | null) => void;
}) {
  const [draft, setDraft] = useState<Draft>(draftOf(target));
  useEffect(() => setDraft(draftOf(target)), [target]);
  const figure = (text: string): number | null | 'invalid' => {
    if (text.trim() === '') return null;
    const parsed = parseFrenchNumber(text);
    return parsed.ok ? parsed.value : 'invalid';
  };
  const save = async () => {
    const initialValue = figure(draft.initialValue);
    const targetValue = figure(draft.targetValue);
    if (initialValue === 'invalid' || targetValue === 'invalid') {
      onError({ code: 'VALIDATION', message: `${indicator.code} : la valeur initiale et la cible doivent être des nombres (par exemple 12 ou 45,5).` });
      return;
    }
    const r = await call(
      api().saveTarget({
        qrrId,
        indicatorCode: indicator.code,
        initialValue,
        initialDate: draft.initialDate || null,
        targetValue,
        targetDeadline: draft.targetDeadline || null,
      }),
    );
    if (r.ok) {
      onError(null);
      onSaved();
    } else onError(r.error);
  };
  const noFigure = indicator.kind === 'presence' || indicator.kind === 'text';
  const field = (key: keyof Draft, label: string, type: 'text' | 'date') => (
    <input
      className="fr-input fr-input--sm"
      type={type}
      aria-label={`${label} ${indicator.code}`}
      value={draft[key]}
      onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
    />
  );
  return (
    <tr data-testid={`target-${indicator.code}`}>
      <th scope="row" title={target?.quote ? `Circulaire : « ${target.quote} »` : undefined}>
        {indicator.code} — {indicator.label}
        {target && !target.stored && <span className="fr-badge fr-badge--sm fr-badge--info fr-ml-1w">Cible de la circulaire</span>}
      </th>
      <td>{sansObjet}</td>
      {noFigure ? (
        <td colSpan={5}>Pas de chiffre sur lequel fixer une cible.</td>
      ) : (
        <>
          <td>{field('initialValue', 'Valeur initiale', 'text')}</td>
          <td>{field('initialDate', 'Date de la valeur initiale', 'date')}</td>
          <td>{field('targetValue', 'Cible', 'text')}</td>
          <td>{field('targetDeadline', 'Échéance', 'date')}</td>
          <td>
            <button type="button" className="fr-btn fr-btn--sm fr-btn--secondary" onClick={() => void save()}>
              Enregistrer
            </button>
          </td>
        </>
      )}
    </tr>
  );
}

/**
 * Per QRR: baselines and targets of the indicators (PILOTE-style; the
 * circular's own targets proposed), and what is « sans objet » (proposed from
 * the QRR's zone, editable, with a reason). Every change is audited.
 */
export function Objectifs() {
  const [qrrs, setQrrs] = useState<readonly Qrr[]>([]);
  const [qrrId, setQrrId] = useState<number | null>(null);
  const [engagements, setEngagements] = useState<readonly Engagement[]>([]);
  const [targets, setTargets] = useState<readonly IndicatorTarget[]>([]);
  const [sansObjet, setSansObjet] = useState<readonly SansObjetState[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const id = useId();

  const reload = useCallback(async () => {
    const [t, s] = await Promise.all([call(api().listTargets(undefined)), call(api().listSansObjet(undefined))]);
    if (t.ok) setTargets(t.value);
    if (s.ok) setSansObjet(s.value);
  }, []);
  useEffect(() => {
    void call(api().listQrrs({ includeArchived: false })).then((r) => {
      if (r.ok) {
        setQrrs(r.value);
        setQrrId((current) => current ?? r.value[0]?.id ?? null);
      } else setError(r.error);
    });
    void call(api().getReferential(undefined)).then((r) => r.ok && setEngagements(r.value.engagements));
    void reload();
  }, [reload]);

  const stateOf = (itemType: SansObjetItemType, code: string) => sansObjet.find((s) => s.qrrId === qrrId && s.itemType === itemType && s.code === code);
  const cell = (itemType: SansObjetItemType, code: string) =>
    qrrId === null ? null : (
      <SansObjetCell qrrId={qrrId} itemType={itemType} code={code} state={stateOf(itemType, code)} onSaved={() => void reload()} onError={setError} />
    );

  return (
    <section aria-labelledby="objectifs-title">
      <h1 id="objectifs-title">Objectifs et « sans objet »</h1>
      <p>
        Pour chaque quartier : valeur initiale et cible de chaque indicateur (la progression est calculée sur le chiffre principal,
        cumulé depuis janvier pour les flux), et ce qui est sans objet (exclu de la complétude et du taux de mise en œuvre).
      </p>
      <ErrorAlert error={error} title="Enregistrement impossible" />
      <div className="fr-select-group">
        <label className="fr-label" htmlFor={`${id}-qrr`}>
          Quartier
        </label>
        <select id={`${id}-qrr`} className="fr-select" value={qrrId ?? ''} onChange={(e) => setQrrId(Number(e.target.value))}>
          {qrrs.map((q) => (
            <option key={q.id} value={q.id}>
              {q.name}
            </option>
          ))}
        </select>
      </div>
      {qrrId !== null &&
        engagements.map((e) => (
          <div key={e.code} className="fr-table fr-table--sm">
            <table>
              <caption>
                {e.code} — {e.title}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Indicateur</th>
                  <th scope="col">Sans objet</th>
                  <th scope="col">Valeur initiale</th>
                  <th scope="col">Date</th>
                  <th scope="col">Cible</th>
                  <th scope="col">Échéance</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {e.indicators.map((i) => (
                  <TargetRow
                    key={`${qrrId}-${i.code}`}
                    qrrId={qrrId}
                    indicator={i}
                    target={targets.find((t) => t.qrrId === qrrId && t.indicatorCode === i.code)}
                    sansObjet={cell('indicator', i.code)}
                    onSaved={() => void reload()}
                    onError={setError}
                  />
                ))}
                {e.actions.map((a) => (
                  <tr key={`${qrrId}-a-${a.code}`}>
                    <th scope="row">
                      Action {a.code} — {a.label}
                    </th>
                    <td colSpan={6}>{cell('action', a.code)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}
