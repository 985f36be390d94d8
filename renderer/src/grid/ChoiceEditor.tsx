import type { CustomCellEditorProps } from 'ag-grid-react';
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { matchChoices } from '../../../shared/format/choice';

/** The attribute the grid reads on Enter / Tab: the label the editor would write (see SpreadsheetGrid). */
export const PICK_ATTRIBUTE = 'data-pick';

/**
 * A cell editor for coded values (a status, a source, a quartier): a text
 * field with the list of labels matching what is typed — start of the label
 * or of one of its words, accents and case ignored (« nord » → « QRR Nord »).
 * ↑/↓ move in the list, Enter or Tab write the highlighted label (handled by
 * the grid, which reads {@link PICK_ATTRIBUTE}), a click writes the label
 * clicked, Escape gives up. A text matching nothing is written as typed, so
 * the grid refuses it with its reason rather than dropping it.
 */
export function ChoiceEditor(props: CustomCellEditorProps & { choices: readonly string[] }) {
  const { eventKey, value, onValueChange, stopEditing, choices } = props;
  const [text, setText] = useState(() => (eventKey && eventKey.length === 1 ? eventKey : String(value ?? '')));
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const [anchor, setAnchor] = useState<DOMRect | null>(null);
  const listId = useId();
  // An edit started by a typed key filters the list by that key from the start: never the whole list,
  // whose first label would then be written in place of what was typed (« 1 » written as « Non engagé »).
  const started = useRef(!!eventKey && eventKey.length === 1);

  const options = useMemo(() => choices.map((label) => ({ value: label, label })), [choices]);
  // Opening on a filled cell (F2, double click) shows every choice, the current one first.
  const matches = useMemo(() => {
    if (!started.current && text === String(value ?? '')) return [...options.filter((o) => o.label === text), ...options.filter((o) => o.label !== text)];
    return matchChoices(text, options);
  }, [text, options, value]);
  const pick = text.trim() === '' ? '' : (matches[Math.min(active, matches.length - 1)]?.label ?? text);

  useEffect(() => onValueChange(pick), [pick, onValueChange]);
  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
    setAnchor(el.getBoundingClientRect());
  }, []);

  return (
    <>
      <input
        ref={input}
        className="ag-input-field-input ag-text-field-input qrr-choice__input"
        role="combobox"
        aria-label="Choisir dans la liste"
        aria-autocomplete="list"
        aria-expanded={matches.length > 0}
        aria-controls={listId}
        aria-activedescendant={matches.length > 0 ? `${listId}-${Math.min(active, matches.length - 1)}` : undefined}
        {...{ [PICK_ATTRIBUTE]: pick }}
        value={text}
        onChange={(e) => {
          started.current = true;
          setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
          // The list's own keys: the grid must not move to another cell.
          e.preventDefault();
          e.stopPropagation();
          const n = Math.max(matches.length, 1);
          setActive((i) => (Math.min(i, n - 1) + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        }}
      />
      {anchor &&
        matches.length > 0 &&
        createPortal(
          <ul className="qrr-choice__list" id={listId} role="listbox" aria-label="Valeurs possibles" style={{ top: anchor.bottom, left: anchor.left, minWidth: anchor.width }}>
            {matches.map((m, i) => (
              <li
                key={m.label}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === Math.min(active, matches.length - 1)}
                className={i === Math.min(active, matches.length - 1) ? 'qrr-choice__option qrr-choice__option--active' : 'qrr-choice__option'}
                onMouseDown={(e) => {
                  // Keep the focus in the field; write the label clicked once the grid has it.
                  e.preventDefault();
                  started.current = true;
                  setText(m.label);
                  onValueChange(m.label);
                  setTimeout(() => stopEditing(), 0);
                }}
              >
                {m.label}
              </li>
            ))}
          </ul>,
          document.body,
        )}
    </>
  );
}
