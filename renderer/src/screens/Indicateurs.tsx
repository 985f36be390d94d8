import { useEffect, useMemo, useRef, useState } from 'react';
import { indicatorCompleteness } from '../../../shared/domain/completeness';
import { decodeIndicatorGrid, type PreviousIndicatorRecord } from '../../../shared/domain/followup-grid';
import { NO_SANS_OBJET } from '../../../shared/domain/sans-objet';
import { periodLabel } from '../../../shared/domain/period';
import type { IndicatorValueRecord } from '../../../shared/domain/types';
import { plural } from '../../../shared/format/fr';
import type { Engagement, Indicator } from '../../../shared/referential/types';
import { api, call } from '../api';
import { AssessmentPanel } from '../components/AssessmentPanel';
import { GridWithSide } from '../components/SidePanel';
import { FollowupFrame } from '../components/FollowupFrame';
import { QrrChoice } from '../components/QrrChoice';
import { IndicatorEditor } from '../components/IndicatorEditor';
import { SpreadsheetGrid, type SheetHandle } from '../grid/SpreadsheetGrid';
import { useStableRows } from '../grid/stable-rows';
import { gridWriter } from '../grid/writer';
import { askBeforeLosing, usePendingEntries, type PendingSource } from '../leave-guard';
import { focusedQrrId, frameProps, useFollowupScreen } from '../useFollowupScreen';
import {
  buildColumns,
  buildRows,
  carryOverWrites,
  heldKey,
  isIndicatorRow,
  partColId,
  parseColId,
  planWrites,
  type HeldRow,
  type IndicatorRow,
  sameIndicatorRow,
  type PlannedChange,
} from './indicators/indicator-grid-model';
import { missingCells } from './indicators/missing-cells';
import { MissingNavigator, useMissingFocus } from './indicators/MissingNavigator';

/** Computed from the FIPD credits by main when listed (electron/services/followup.ts), never merged from a save. */
const COMPUTED_INDICATOR = '05-02';

type GridLoad = ReturnType<typeof decodeIndicatorGrid>;
const EMPTY_LOAD: GridLoad = { records: [], previous: [], sansObjet: NO_SANS_OBJET };
const rowIdOf = (r: IndicatorRow): string => r.id;
const valueKey = (r: { qrrId: number; indicatorCode: string }): string => `${r.qrrId}|${r.indicatorCode}`;

/**
 * Indicator values for a quarter in a spreadsheet: one QRR in detail (with
 * previous quarter, change, target, comment) or all QRRs side by side. Every
 * change is saved at once; the focused cell's full detail and history are
 * shown below the grid.
 */
export function Indicateurs({ engagements }: { engagements: readonly Engagement[] }) {
  const screen = useFollowupScreen<IndicatorValueRecord, PreviousIndicatorRecord, GridLoad>({
    load: async (periodCode, qrrIds) => {
      const result = await call(api().loadIndicatorGrid({ periodCode, qrrIds: [...qrrIds] }));
      return result.ok ? { ok: true as const, value: decodeIndicatorGrid(result.value) } : result;
    },
    empty: EMPTY_LOAD,
    keyOf: valueKey,
  });
  const { selected, select, changed, refreshPeriods, qrrs, shown, setShown, visibleQrrs, records, previous, previousCode, hasPreviousPeriod, reload, latest, merge, readOnly, readOnlyReason } =
    screen;
  const [onlyMissing, setOnlyMissing] = useState(false);
  const [focused, setFocused] = useState<{ code: string; engagementCode: string; qrrId: number } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const sheet = useRef<SheetHandle | null>(null);
  // « Sans objet » of the quartiers shown, loaded with their values.
  const sansObjet = screen.loaded.sansObjet;
  // The engagement whose missing cells the navigator goes through (null: all).
  const [scope, setScope] = useState<string | null>(null);
  const shownQrrIds = useMemo(() => visibleQrrs.map((q) => q.id), [visibleQrrs]);
  const { go } = useMissingFocus({ engagements, sheet, selectedCode: selected?.code ?? null, shownQrrIds, select, setShown, setScope });

  const completeness = useMemo(() => {
    // Records grouped by quartier once (not all records filtered again for every quartier: quadratic at national scale).
    const byQrr = new Map<number, Map<string, IndicatorValueRecord['value']>>();
    for (const r of records) {
      let mine = byQrr.get(r.qrrId);
      if (!mine) byQrr.set(r.qrrId, (mine = new Map()));
      mine.set(r.indicatorCode, r.value);
    }
    return new Map(
      visibleQrrs.map((q) => [q.id, indicatorCompleteness(engagements, (code) => byQrr.get(q.id)?.get(code), (code) => sansObjet.isSansObjet(q.id, 'indicator', code))] as const),
    );
  }, [engagements, records, visibleQrrs, sansObjet]);
  const missingList = useMemo(() => missingCells(engagements, records, shownQrrIds, sansObjet, scope), [engagements, records, shownQrrIds, sansObjet, scope]);
  const goToFirstMissing = (qrrId: number, engagementCode: string) => {
    setScope(engagementCode);
    const first = missingCells(engagements, records, [qrrId], sansObjet, engagementCode)[0];
    if (first && selected) go(selected.code, first);
  };
  const missingCodes = useMemo(() => {
    const set = new Set<string>();
    for (const list of completeness.values()) for (const c of list) for (const code of c.missing) set.add(code);
    return set;
  }, [completeness]);

  // Rows whose parts disagree, kept here until they agree (never written half-right); cleared with the quarter.
  const [held, setHeld] = useState<ReadonlyMap<string, HeldRow>>(new Map());
  const heldRef = useRef(held);
  useEffect(() => {
    heldRef.current = new Map();
    setHeld(heldRef.current);
  }, [selected?.code]);
  const rows = useStableRows(
    useMemo(
      () => buildRows(engagements, records, previous, { ...(onlyMissing ? { onlyMissing: missingCodes } : {}), held }),
      [engagements, records, previous, onlyMissing, missingCodes, held],
    ),
    rowIdOf,
    sameIndicatorRow,
  );
  const focusedIndicatorRef = useRef<Indicator | null>(null);
  const columns = useMemo(() => buildColumns(visibleQrrs, visibleQrrs.length === 1, () => focusedIndicatorRef.current), [visibleQrrs]);

  const save = async (changes: readonly PlannedChange[], direction: 'after' | 'before', via: string) => {
    const request = changes.map((c) => ({
      qrrId: c.qrrId,
      indicatorCode: c.indicatorCode,
      ...('value' in c ? { value: direction === 'after' ? c.value! : c.before.value } : {}),
      ...('comment' in c ? { comment: direction === 'after' ? c.comment! : c.before.comment } : {}),
    }));
    const result = await call(api().saveIndicatorValues({ periodCode: selected!.code, via: via as never, changes: request }));
    // The saved rows are merged (not both quarters reloaded for every quartier); 05-02 is computed
    // from the FIPD credits when listed, so a save touching it reloads.
    if (result.ok && !request.some((c) => c.indicatorCode === COMPUTED_INDICATOR)) merge(result.value, new Set(request.map(valueKey)));
    else await reload();
    return result;
  };
  const onWrite = gridWriter((writes, kind) => {
    // Typed cells may leave a row half-corrected (rules between parts are checked when the row is left);
    // a paste is a whole block: checked at once.
    // Planned against what was last saved and held, not what was last drawn: typing outruns rendering.
    const now = latest();
    const current = buildRows(engagements, now.records, now.previous, { held: heldRef.current });
    const plan = planWrites(current, writes, { holdRowRules: kind === 'saisie' });
    const next = new Map(heldRef.current);
    for (const key of plan.released) next.delete(key);
    for (const h of plan.held) next.set(heldKey(h.qrrId, h.indicatorCode), h);
    heldRef.current = next;
    setHeld(next);
    const heldKeys = new Set(plan.held.map((h) => heldKey(h.qrrId, h.indicatorCode)));
    const heldCells = writes
      .filter((w) => {
        const col = parseColId(w.colId);
        return col && col.field !== 'comment' && heldKeys.has(heldKey(col.qrrId, w.rowId));
      })
      .map((w) => ({ ...w, reason: plan.held.find((h) => heldKey(h.qrrId, h.indicatorCode) === heldKey(parseColId(w.colId)!.qrrId, w.rowId))!.message }));
    return { changes: plan.changes, rejected: plan.rejected, held: heldCells };
  }, save);

  /** Leaving a row whose parts still disagree: said by the row (it stays marked, its parts kept). */
  const onRowLeft = (rowId: string) => {
    for (const h of held.values()) {
      if (h.indicatorCode !== rowId) continue;
      sheet.current?.refuse(
        rowId,
        partColId(h.qrrId, 0),
        `Ligne ${rowId} non enregistrée : ${h.message} Corrigez les valeurs (dans l'ordre que vous voulez) ou effacez-les (Suppr).`,
      );
    }
  };

  /** Held rows as what leaving would drop: « Revenir » goes back to the first one's cell, « Abandonner » forgets them. */
  const heldSource = (which: readonly HeldRow[]): PendingSource => ({
    entries: which.map((h) => ({
      label: `Indicateur ${h.indicatorCode} — ${qrrs.find((q) => q.id === h.qrrId)?.name ?? ''}`,
      reason: `${h.message} Ligne non enregistrée.`,
    })),
    resume: () => {
      const first = which[0];
      if (!first || !sheet.current) return;
      const colId = partColId(first.qrrId, 0);
      if (sheet.current.focusCell(first.indicatorCode, colId)) {
        sheet.current.refuse(first.indicatorCode, colId, `Ligne ${first.indicatorCode} non enregistrée : ${first.message} Corrigez les valeurs ou effacez-les (Suppr).`);
      }
    },
    discard: () => {
      const next = new Map(heldRef.current);
      for (const h of which) next.delete(heldKey(h.qrrId, h.indicatorCode));
      heldRef.current = next;
      setHeld(next);
    },
  });
  usePendingEntries('indicateurs', heldSource([...held.values()]));
  /** Another quarter: every held row would go. */
  const selectPeriod = (code: string) => (code === selected?.code ? undefined : askBeforeLosing(heldSource([...held.values()]), () => select(code)));
  /** Another quartier shown: the held rows of quartiers no longer shown would go. */
  const showQrrs = (value: string) => {
    const stays = (qrrId: number) => value === 'all' || String(qrrId) === value;
    askBeforeLosing(heldSource([...held.values()].filter((h) => !stays(h.qrrId))), () => setShown(value));
  };

  const carryOver = async () => {
    if (!sheet.current || !previousCode) return;
    const { writes, copied, kept } = carryOverWrites(rows, visibleQrrs.map((q) => q.id));
    if (copied === 0) {
      setNotice(`Rien à reprendre du ${periodLabel(previousCode)} : ${plural(kept, 'valeur déjà saisie', 'valeurs déjà saisies')} ce trimestre, aucune case vide à compléter.`);
      return;
    }
    await sheet.current.apply(writes, 'reprise');
    setNotice(
      `${plural(copied, 'valeur reprise', 'valeurs reprises')} du ${periodLabel(previousCode)} dans les cases vides ; ` +
        `${plural(kept, 'case déjà remplie laissée', 'cases déjà remplies laissées')} telle${kept > 1 ? 's' : ''} quelle${kept > 1 ? 's' : ''}.`,
    );
  };

  const focusedIndicator = focused ? engagements.flatMap((e) => e.indicators).find((i) => i.code === focused.code) : undefined;
  const focusedRecord = focused ? records.find((r) => r.qrrId === focused.qrrId && r.indicatorCode === focused.code) : undefined;
  const filled = [...completeness.values()].flat().reduce((n, c) => n + c.filled, 0);
  const total = [...completeness.values()].flat().reduce((n, c) => n + c.total, 0);

  return (
    <FollowupFrame
      id="indicateurs"
      title="Indicateurs"
      {...frameProps(screen)}
      onSelect={selectPeriod}
      // A quarter just opened becomes the selected one: asked first, like any change of quarter.
      onChanged={(p) => (p.code === selected?.code ? changed(p) : askBeforeLosing(heldSource([...held.values()]), () => changed(p), refreshPeriods))}
    >
          <div className="qrr-toolbar">
            <QrrChoice id="indicateurs-qrr" qrrs={qrrs} shown={shown} onChange={showQrrs} />
            <p className="qrr-toolbar__summary" data-testid="completeness">
              {filled} / {total} indicateurs renseignés
            </p>
            <div className="fr-checkbox-group">
              <input id="only-missing" type="checkbox" checked={onlyMissing} onChange={(e) => setOnlyMissing(e.target.checked)} />
              <label className="fr-label" htmlFor="only-missing">
                Seulement les indicateurs à renseigner
              </label>
            </div>
          </div>
          {notice && (
            <div className="fr-alert fr-alert--info fr-alert--sm fr-mb-2w" role="status">
              <p>{notice}</p>
            </div>
          )}
          <div className="qrr-toolbar">
            <ul className="qrr-completeness" aria-label="Complétude par engagement">
              {engagements.map((e) => (
                <li key={e.code}>
                  <span className="qrr-completeness__code">{e.code}</span>
                  {visibleQrrs.map((q) => {
                    const c = completeness.get(q.id)?.find((x) => x.engagementCode === e.code);
                    const done = !!c && c.filled === c.total;
                    return (
                      <button
                        type="button"
                        key={q.id}
                        className={`fr-badge fr-badge--sm qrr-badge-button ${done ? 'fr-badge--success' : ''}`}
                        title={done ? q.name : `${q.name} : aller au premier indicateur à compléter de l'engagement ${e.code}`}
                        data-testid={`completeness-${e.code}-${q.id}`}
                        disabled={done}
                        onClick={() => goToFirstMissing(q.id, e.code)}
                      >
                        {c?.filled ?? 0} / {c?.total ?? 0}
                      </button>
                    );
                  })}
                </li>
              ))}
            </ul>
            {previousCode && (
              <button
                type="button"
                className="fr-btn fr-btn--secondary fr-btn--sm"
                disabled={readOnly || !hasPreviousPeriod}
                title={hasPreviousPeriod ? undefined : `Le ${periodLabel(previousCode)} n'a pas été ouvert.`}
                onClick={() => void carryOver()}
              >
                Reprendre le trimestre précédent
              </button>
            )}
          </div>
          <GridWithSide
            sideTitle="Détail et appréciation"
            grid={
              <SpreadsheetGrid<IndicatorRow>
                handleRef={sheet}
                ariaLabel="Indicateurs du trimestre"
                rows={rows}
                getRowId={rowIdOf}
                columns={columns}
                isDataRow={isIndicatorRow}
                readOnly={readOnly}
                {...(readOnlyReason ? { readOnlyReason } : {})}
                onWrite={onWrite}
                onRowLeft={onRowLeft}
                toolbar={
                  <MissingNavigator
                    list={missingList}
                    scope={scope}
                    focused={focused ? { rowId: focused.code, qrrId: focused.qrrId } : null}
                    onGo={(cell) => selected && go(selected.code, cell)}
                    onScope={setScope}
                  />
                }
                resetKey={selected?.code ?? ''}
                fullWidthGroupRow={(r) => (r.type === 'group' ? `Engagement ${r.engagement.code} — ${r.engagement.title}` : '')}
                onCellFocused={(row, colId) => {
                  focusedIndicatorRef.current = row && isIndicatorRow(row) ? row.indicator : null;
                  const qrrId = focusedQrrId(colId, visibleQrrs);
                  setFocused(row && isIndicatorRow(row) && qrrId !== null ? { code: row.id, engagementCode: row.engagementCode, qrrId } : null);
                }}
              />
            }
            side={
              focused && focusedIndicator && selected ? (
                <div data-testid="cell-detail">
                  <h2 className="fr-h5">
                    Détail : indicateur {focusedIndicator.code}, {qrrs.find((q) => q.id === focused.qrrId)?.name}
                  </h2>
                  <p className="fr-text--sm">{focusedIndicator.label}</p>
                  <IndicatorEditor
                    key={`${focused.qrrId}-${focused.code}-${selected.code}-${focusedRecord?.updatedAt ?? ''}`}
                    indicator={focusedIndicator}
                    qrrId={focused.qrrId}
                    periodCode={selected.code}
                    record={focusedRecord}
                    readOnly={readOnly}
                    onSaved={() => void reload()}
                    onClose={() => setFocused(null)}
                  />
                  <AssessmentPanel
                    key={`assessment-${focused.qrrId}-${focused.engagementCode}-${selected.code}`}
                    engagement={engagements.find((e) => e.code === focused.engagementCode)!}
                    qrrId={focused.qrrId}
                    qrrName={qrrs.find((q) => q.id === focused.qrrId)?.name ?? ''}
                    periodCode={selected.code}
                    readOnly={readOnly}
                  />
                </div>
              ) : (
                <p className="fr-text--sm">Choisissez une case : son détail, son historique et l'appréciation de son engagement s'affichent ici.</p>
              )
            }
          />
    </FollowupFrame>
  );
}
