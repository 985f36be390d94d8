import { useEffect, useRef, useState, type RefObject } from 'react';
import { decodeIndicatorGrid } from '../../../../shared/domain/followup-grid';
import { plural } from '../../../../shared/format/fr';
import type { Engagement } from '../../../../shared/referential/types';
import { api, call } from '../../api';
import type { SheetHandle } from '../../grid/SpreadsheetGrid';
import { routeHref, routeParams } from '../../routes';
import { missingCells, stepMissing, type MissingCell } from './missing-cells';

/** The value of the « quartier » parameter that shows every QRR side by side (QrrChoice's « all »). */
export const ALL_QRRS = 'all';

/** Link to the Indicateurs screen on what is missing: a quarter, a quartier (or all of them), an engagement. */
export const missingHref = (periodCode: string, qrr: number | typeof ALL_QRRS, engagementCode?: string): string =>
  routeHref('indicateurs', { trimestre: periodCode, quartier: qrr, engagement: engagementCode });

interface Target {
  readonly periodCode: string;
  readonly cell: MissingCell;
}

/**
 * Focus on missing cells for the Indicateurs screen. A link from the
 * dashboard (`#/indicateurs?trimestre=…&quartier=…&engagement=…`) selects the
 * quarter and the quartier, then puts the focus on the first missing cell;
 * `go` does the same from within the screen (badges, navigator). The focus
 * waits until the grid shows the cell (quarter and columns switched).
 */
export function useMissingFocus({
  engagements,
  sheet,
  selectedCode,
  shownQrrIds,
  select,
  setShown,
  setScope,
}: {
  engagements: readonly Engagement[];
  sheet: RefObject<SheetHandle | null>;
  selectedCode: string | null;
  shownQrrIds: readonly number[];
  select: (code: string) => void;
  setShown: (value: string) => void;
  setScope: (engagementCode: string | null) => void;
}): { go: (periodCode: string, cell: MissingCell) => void } {
  const [target, setTarget] = useState<Target | null>(null);
  const latest = useRef({ engagements, select, setShown, setScope });
  latest.current = { engagements, select, setShown, setScope };

  // A request in the hash: read it once, then drop it from the address (a reload keeps the screen, not the jump).
  useEffect(() => {
    const read = () => {
      const params = routeParams();
      const periodCode = params.get('trimestre');
      if (!periodCode) return;
      const qrr = params.get('quartier') ?? ALL_QRRS;
      const engagementCode = params.get('engagement');
      window.history.replaceState(null, '', routeHref('indicateurs'));
      const { select: selectPeriod, setShown: show, setScope: scope } = latest.current;
      selectPeriod(periodCode);
      show(qrr);
      scope(engagementCode);
      void (async () => {
        const qrrs = qrr === ALL_QRRS ? await call(api().listQrrNames()) : null;
        if (qrrs && !qrrs.ok) return;
        const ids = qrrs ? [...qrrs.value.id] : [Number(qrr)];
        if (ids.length === 0 || !ids.every((id) => Number.isSafeInteger(id) && id > 0)) return;
        // Only the quartiers asked for are read (not every quartier of the base), « sans objet » with them.
        const values = await call(api().loadIndicatorGrid({ periodCode, qrrIds: ids }));
        if (!values.ok) return;
        const { records, sansObjet } = decodeIndicatorGrid(values.value);
        const first = missingCells(latest.current.engagements, records, ids, sansObjet, engagementCode)[0];
        if (first) setTarget({ periodCode, cell: first });
      })();
    };
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, []);

  useEffect(() => {
    if (!target || selectedCode !== target.periodCode || !shownQrrIds.includes(target.cell.qrrId)) return;
    // The grid takes new rows and columns in its own effects: try again shortly until it shows the cell.
    let tries = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = () => {
      if (sheet.current?.focusCell(target.cell.rowId, target.cell.colId)) setTarget(null);
      else if (++tries < 50) timer = setTimeout(attempt, 100);
    };
    attempt();
    return () => clearTimeout(timer);
  }, [target, selectedCode, shownQrrIds, sheet]);

  return { go: (periodCode, cell) => setTarget({ periodCode, cell }) };
}

/**
 * « N indicateurs à compléter » with Précédent / Suivant: goes through the
 * missing cells of the quartiers shown (of one engagement when a badge or a
 * dashboard link chose it).
 */
export function MissingNavigator({
  list,
  scope,
  focused,
  onGo,
  onScope,
}: {
  list: readonly MissingCell[];
  scope: string | null;
  focused: { rowId: string; qrrId: number } | null;
  onGo: (cell: MissingCell) => void;
  onScope: (engagementCode: string | null) => void;
}) {
  const where = scope ? ` dans l'engagement ${scope}` : '';
  const position = focused ? list.findIndex((c) => c.rowId === focused.rowId && c.qrrId === focused.qrrId) : -1;
  return (
    <div className="qrr-missing-nav" role="group" aria-label="Indicateurs à compléter" data-testid="missing-navigator">
      <p className="fr-text--sm fr-mb-0" aria-live="polite">
        {list.length === 0
          ? `Aucun indicateur à compléter${where}.`
          : `${plural(list.length, 'indicateur')} à compléter${where}${position >= 0 ? ` (${position + 1} sur ${list.length})` : ''}`}
      </p>
      {list.length > 0 && (
        <>
          <button type="button" className="fr-btn fr-btn--tertiary fr-btn--sm" onClick={() => onGo(stepMissing(list, focused, -1)!)}>
            Précédent
          </button>
          <button type="button" className="fr-btn fr-btn--tertiary fr-btn--sm" onClick={() => onGo(stepMissing(list, focused, 1)!)}>
            Suivant à compléter
          </button>
        </>
      )}
      {scope && (
        <button type="button" className="fr-btn fr-btn--tertiary-no-outline fr-btn--sm" onClick={() => onScope(null)}>
          Tous les engagements
        </button>
      )}
    </div>
  );
}
