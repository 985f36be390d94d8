import { useId, useState, type FormEvent } from 'react';
import { formatPartValue, parsePartInput } from '../../../shared/domain/indicator-values';
import type { IndicatorValuePayload, IndicatorValueRecord } from '../../../shared/domain/types';
import type { ApiError } from '../../../shared/ipc/result';
import type { Indicator, IndicatorPart } from '../../../shared/referential/types';
import { api, call } from '../api';
import { CellHistory } from './CellHistory';
import { ErrorAlert } from './ErrorAlert';

type Texts = Record<string, string>;

const textsOf = (indicator: Indicator, value: IndicatorValuePayload | null): Texts =>
  Object.fromEntries(indicator.parts.map((p) => [p.key, value ? formatPartValue(p, value[p.key] ?? null) : '']));

/** Parses every part as typed; returns the payload, null when all empty, or the French problems. */
function parseParts(indicator: Indicator, texts: Texts, prefix: string): { payload: IndicatorValuePayload | null; problems: string[] } {
  const payload: Record<string, number | boolean | string | null> = {};
  const problems: string[] = [];
  for (const part of indicator.parts) {
    const result = parsePartInput(part, texts[part.key] ?? '');
    if (result.ok) payload[part.key] = result.value;
    else problems.push(`${prefix}${part.label} : ${result.message}`);
  }
  return { payload: Object.values(payload).every((v) => v === null) ? null : payload, problems };
}

function PartInput({ part, value, onChange, idPrefix }: { part: IndicatorPart; value: string; onChange: (v: string) => void; idPrefix: string }) {
  const inputId = `${idPrefix}-${part.key}`;
  if (part.type === 'enum' || part.type === 'boolean') {
    const options =
      part.type === 'boolean'
        ? [
            ['oui', 'Oui'],
            ['non', 'Non'],
          ]
        : (part.values ?? []).map((v) => [formatPartValue(part, v), part.valueLabels?.[v] ?? v]);
    return (
      <div className="fr-select-group">
        <label className="fr-label" htmlFor={inputId}>
          {part.label}
        </label>
        <select id={inputId} className="fr-select" value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {options.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </div>
    );
  }
  return (
    <div className="fr-input-group">
      <label className="fr-label" htmlFor={inputId}>
        {part.label}
      </label>
      <input
        id={inputId}
        className="fr-input"
        inputMode={part.type === 'text' ? 'text' : 'decimal'}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/**
 * One indicator of one QRR for one quarter, in full: every part of its typed
 * value, the target, comment and source, and the history of the cell.
 * Parsing is done here as the user typed it (French numbers); main validates again.
 */
export function IndicatorEditor({
  indicator,
  qrrId,
  periodCode,
  record,
  readOnly,
  onSaved,
  onClose,
}: {
  indicator: Indicator;
  qrrId: number;
  periodCode: string;
  record: IndicatorValueRecord | undefined;
  readOnly: boolean;
  onSaved: () => void;
  onClose: () => void;
}) {
  const id = useId();
  const [value, setValue] = useState<Texts>(() => textsOf(indicator, record?.value ?? null));
  const [target, setTarget] = useState<Texts>(() => textsOf(indicator, record?.target ?? null));
  const [comment, setComment] = useState(record?.comment ?? '');
  const [source, setSource] = useState(record?.source ?? '');
  const [error, setError] = useState<ApiError | null>(null);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const v = parseParts(indicator, value, '');
    const t = parseParts(indicator, target, 'Cible, ');
    const problems = [...v.problems, ...t.problems];
    if (problems.length > 0) {
      setError({ code: 'VALIDATION', message: problems.join(' ') });
      return;
    }
    const result = await call(
      api().saveIndicatorValues({
        periodCode,
        changes: [{ qrrId, indicatorCode: indicator.code, value: v.payload, target: t.payload, comment, source }],
      }),
    );
    if (result.ok) {
      setError(null);
      onSaved();
    } else setError(result.error);
  };

  return (
    <form className="qrr-indicator-editor" onSubmit={save} noValidate aria-label={`Saisie de l'indicateur ${indicator.code}`}>
      <ErrorAlert error={error} />
      <fieldset className="fr-fieldset" disabled={readOnly}>
        <legend className="fr-fieldset__legend fr-text--regular">Valeur du trimestre</legend>
        <div className="qrr-parts">
          {indicator.parts.map((part) => (
            <PartInput key={part.key} part={part} idPrefix={`${id}-v`} value={value[part.key] ?? ''} onChange={(t) => setValue({ ...value, [part.key]: t })} />
          ))}
        </div>
      </fieldset>
      <fieldset className="fr-fieldset" disabled={readOnly}>
        <legend className="fr-fieldset__legend fr-text--regular">Cible</legend>
        <div className="qrr-parts">
          {indicator.parts.map((part) => (
            <PartInput key={part.key} part={{ ...part, label: `${part.label} (cible)` }} idPrefix={`${id}-t`} value={target[part.key] ?? ''} onChange={(t) => setTarget({ ...target, [part.key]: t })} />
          ))}
        </div>
      </fieldset>
      <fieldset className="fr-fieldset" disabled={readOnly}>
        <div className="fr-input-group">
          <label className="fr-label" htmlFor={`${id}-comment`}>
            Commentaire
          </label>
          <textarea id={`${id}-comment`} className="fr-input" rows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
        </div>
        <div className="fr-input-group">
          <label className="fr-label" htmlFor={`${id}-source`}>
            Source
            <span className="fr-hint-text">Service ou document d'où vient la valeur (DASEN, DDSP, mairie…).</span>
          </label>
          <input id={`${id}-source`} className="fr-input" maxLength={500} value={source} onChange={(e) => setSource(e.target.value)} />
        </div>
      </fieldset>
      <ul className="fr-btns-group fr-btns-group--inline-sm">
        {!readOnly && (
          <li>
            <button type="submit" className="fr-btn fr-btn--sm">
              Enregistrer
            </button>
          </li>
        )}
        <li>
          <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" onClick={onClose}>
            Fermer
          </button>
        </li>
      </ul>
      <CellHistory
        entity="indicator_value"
        entityId={`${qrrId}|${indicator.code}|${periodCode}`}
        refreshKey={record?.updatedAt ?? ''}
        describe={(h) => (h.field === 'value' || h.field === 'target' ? `${describe(indicator, h.oldValue)} → ${describe(indicator, h.newValue)}` : null)}
      />
    </form>
  );
}

function describe(indicator: Indicator, payload: unknown): string {
  if (!payload || typeof payload !== 'object') return '—';
  return indicator.parts
    .map((p) => `${p.label} ${formatPartValue(p, ((payload as IndicatorValuePayload)[p.key] ?? null) as never) || '—'}`)
    .join(', ');
}
