import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  FUNDING_SOURCES,
  FUNDING_SOURCE_LABELS,
  SUBSIDY_STATUSES,
  SUBSIDY_STATUS_LABELS,
  type EnvelopeRecord,
  type FipdLedger,
  type FundingSource,
  type SubsidyRecord,
  type SubsidyStatus,
} from '../../../shared/domain/fipd';
import type { Qrr } from '../../../shared/domain/types';
import { plural } from '../../../shared/format/fr';
import { formatEurosFromCents, parseFrenchAmountToCents } from '../../../shared/format/number-fr';
import type { ApiError } from '../../../shared/ipc/result';
import { api, call } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { GridWithSide } from '../components/SidePanel';
import { SpreadsheetGrid, type SheetHandle } from '../grid/SpreadsheetGrid';
import { usePendingEntries } from '../leave-guard';
import type { CellWrite, SheetColumn, WriteKind, WriteOutcome } from '../grid/types';
import { gridWriter } from '../grid/writer';
import { FipdLedgerPanel } from './fipd/FipdLedgerPanel';
import { SubsidyDetail } from './fipd/SubsidyDetail';
import { buildSubsidyColumns, buildSubsidyRows, isSubsidyDataRow, planSubsidyWrites, totalsRow, type SubsidyRow } from './fipd/subsidy-grid-model';

interface EnvelopeRow {
  readonly id: string;
  readonly qrr: Qrr;
  readonly envelope: EnvelopeRecord | undefined;
  readonly committedCents: number;
  readonly paidCents: number;
}

const thisYear = new Date().getFullYear();

function FilterSelect({
  id,
  label,
  allLabel,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  allLabel: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="fr-select-group">
      <label className="fr-label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="fr-select" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{allLabel}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Lines still being typed move up to the first blank rows once the lines above them are saved. */
function compactDrafts(drafts: ReadonlyMap<string, Record<string, string>>): Map<string, Record<string, string>> {
  const ordered = [...drafts.entries()].sort(([a], [b]) => Number(a.slice(4)) - Number(b.slice(4)));
  return new Map(ordered.map(([, draft], i) => [`new-${i}`, draft]));
}

/**
 * FIPD credits as a ledger: the envelope delegated to each QRR, the subsidies
 * (typed or pasted from a spreadsheet, with their payments), the totals and
 * what needs attention; exported to CSV or Excel.
 */
export function CreditsFipd() {
  const [year, setYear] = useState(thisYear);
  const [filters, setFilters] = useState<{ qrrId?: number; status?: SubsidyStatus; source?: FundingSource }>({});
  // Every quartier, archived ones included, names the subsidies; only active ones are offered for new lines.
  const [allQrrs, setAllQrrs] = useState<readonly Qrr[]>([]);
  const qrrs = useMemo(() => allQrrs.filter((q) => !q.archivedAt), [allQrrs]);
  const [subsidies, setSubsidies] = useState<readonly SubsidyRecord[]>([]);
  const [envelopes, setEnvelopes] = useState<readonly EnvelopeRecord[]>([]);
  const [ledger, setLedger] = useState<FipdLedger | null>(null);
  const [drafts, setDrafts] = useState<ReadonlyMap<string, Record<string, string>>>(new Map());
  const [focusedId, setFocusedId] = useState<number | null>(null);
  const [overEnvelope, setOverEnvelope] = useState<{ lines: Record<string, unknown>[]; message: string } | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [exported, setExported] = useState<string | null>(null);

  useEffect(() => {
    void call(api().listQrrs({ includeArchived: true })).then((r) => (r.ok ? setAllQrrs(r.value) : setError(r.error)));
  }, []);

  const reload = useCallback(async () => {
    const [s, e, l] = await Promise.all([
      call(api().listSubsidies({ filters: { budgetYear: year, ...filters } })),
      call(api().listEnvelopes({ budgetYear: year })),
      call(api().getLedger({ budgetYear: year })),
    ]);
    if (!s.ok) return setError(s.error);
    if (!e.ok) return setError(e.error);
    if (!l.ok) return setError(l.error);
    setError(null);
    setSubsidies(s.value);
    setEnvelopes(e.value);
    setLedger(l.value);
  }, [year, filters]);
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  useEffect(() => {
    void reload();
  }, [reload]);

  // Envelopes: one row per QRR, the FIPD amount editable.
  const envelopeRows = useMemo(
    (): EnvelopeRow[] =>
      qrrs.map((qrr) => {
        const totals = ledger?.totals.byQrr.find((t) => t.qrrId === qrr.id);
        return {
          id: String(qrr.id),
          qrr,
          envelope: envelopes.find((e) => e.qrrId === qrr.id && e.source === 'fipd'),
          committedCents: totals?.committedCents ?? 0,
          paidCents: totals?.paidCents ?? 0,
        };
      }),
    [qrrs, envelopes, ledger],
  );
  const envelopeColumns = useMemo(
    (): SheetColumn<EnvelopeRow>[] => [
      { colId: 'qrr', headerName: 'Quartier', text: (r) => r.qrr.name, colDef: { width: 220 } },
      {
        colId: 'amount',
        headerName: `Enveloppe FIPD ${year}`,
        text: (r) => (r.envelope ? formatEurosFromCents(r.envelope.amountCents) : ''),
        editable: () => true,
        placeholder: () => 'Montant délégué',
        validate: (_r, text) => {
          if (text.trim() === '') return null;
          const parsed = parseFrenchAmountToCents(text);
          return parsed.ok ? null : parsed.message;
        },
        colDef: { width: 170, type: 'rightAligned' },
      },
      { colId: 'committed', headerName: 'Engagé', text: (r) => formatEurosFromCents(r.committedCents), colDef: { width: 150, type: 'rightAligned' } },
      { colId: 'paid', headerName: 'Versé', text: (r) => formatEurosFromCents(r.paidCents), colDef: { width: 150, type: 'rightAligned' } },
      {
        colId: 'remaining',
        headerName: 'Reste à engager',
        text: (r) => formatEurosFromCents((r.envelope?.amountCents ?? 0) - r.committedCents),
        colDef: { width: 150, type: 'rightAligned' },
      },
    ],
    [year],
  );
  const envelopeRowsRef = useRef(envelopeRows);
  envelopeRowsRef.current = envelopeRows;
  const writeEnvelopes = gridWriter(
    (writes: readonly CellWrite[]) => {
      const rejected = [];
      const changes = [];
      for (const w of writes) {
        const row = envelopeRowsRef.current.find((r) => r.id === w.rowId);
        if (!row) continue;
        const parsed = w.text.trim() === '' ? ({ ok: true, value: 0 } as const) : parseFrenchAmountToCents(w.text);
        if (!parsed.ok) rejected.push({ ...w, reason: parsed.message });
        else changes.push({ qrrId: row.qrr.id, after: parsed.value, before: row.envelope?.amountCents ?? 0 });
      }
      return { changes, rejected };
    },
    async (changes, direction, via) => {
      for (const c of changes) {
        const result = await call(
          api().setEnvelope({ qrrId: c.qrrId, budgetYear: year, source: 'fipd', amountCents: direction === 'after' ? c.after : c.before, via }),
        );
        if (!result.ok) {
          await reloadRef.current();
          return result;
        }
      }
      await reloadRef.current();
      return { ok: true, value: null };
    },
  );

  // Subsidies.
  const rows = useMemo(() => buildSubsidyRows(subsidies, drafts, allQrrs), [subsidies, drafts, allQrrs]);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const columns = useMemo(() => buildSubsidyColumns(qrrs), [qrrs]);
  const totals = useMemo(() => [totalsRow(subsidies)], [subsidies]);

  const saveLines = async (lines: Record<string, unknown>[], via: string, overEnvelopeReason?: string) => {
    const result = await call(
      api().saveSubsidies({ via: via as never, lines: lines.map((l) => (overEnvelopeReason ? { ...l, overEnvelopeReason } : l)) as never }),
    );
    await reloadRef.current();
    return result;
  };

  const onWrite = async (writes: readonly CellWrite[], kind: WriteKind): Promise<WriteOutcome> => {
    const plan = planSubsidyWrites(rowsRef.current, writes, { qrrs, budgetYear: year });
    const createdRows = new Set(plan.lines.filter((l) => l.before === null).map((l) => l.rowId));
    /** Drafts after this write: lines saved leave the blank rows (then the rest moves up); lines not saved stay as typed. */
    const updateDrafts = (saved: boolean) =>
      setDrafts((current) => {
        const next = new Map(current);
        for (const [rowId, draft] of plan.drafts) next.set(rowId, draft);
        for (const rowId of createdRows) {
          if (saved) next.delete(rowId);
          else next.set(rowId, { ...current.get(rowId), ...Object.fromEntries(writes.filter((w) => w.rowId === rowId).map((w) => [w.colId, w.text.trim()])) });
        }
        return saved ? compactDrafts(next) : next;
      });
    if (plan.lines.length === 0) {
      updateDrafts(true);
      return { applied: writes.length - plan.rejected.length, rejected: plan.rejected };
    }
    const lines = plan.lines.map((l) => l.line);
    const result = await saveLines(lines, kind);
    updateDrafts(result.ok);
    if (!result.ok) {
      if (result.error.code === 'CONFLICT' && /enveloppe/i.test(result.error.message)) setOverEnvelope({ lines, message: result.error.message });
      return { applied: 0, rejected: plan.rejected, error: result.error.message };
    }
    const updates = plan.lines.filter((l) => l.before !== null);
    const applied = writes.length - plan.rejected.length;
    return {
      applied,
      rejected: plan.rejected,
      ...(updates.length > 0 && updates.length === plan.lines.length
        ? {
            undo: {
              label: `modification de ${plural(applied, 'cellule')}`,
              undo: () => saveLines(updates.map((u) => u.before!), 'annulation'),
              redo: () => saveLines(updates.map((u) => u.line), 'retablissement'),
            },
          }
        : {}),
    };
  };

  // Lines typed but not saved yet (incomplete, or with a refused cell) are not dropped by leaving the screen unasked.
  const subsidySheet = useRef<SheetHandle | null>(null);
  const unsaved = [...drafts.entries()].filter(([, d]) => Object.values(d).some((v) => v.trim() !== ''));
  usePendingEntries('credits-fipd', {
    entries: unsaved.map(([rowId, d]) => ({
      label: `Nouvelle subvention, ligne ${Number(rowId.slice(4)) + 1}${d.beneficiaryName ? ` (${d.beneficiaryName})` : ''}`,
      reason: "pas encore enregistrée : elle l'est dès que le quartier, l'association et l'intitulé sont connus et que ses valeurs sont acceptées.",
    })),
    resume: () => {
      const first = unsaved[0];
      if (first) subsidySheet.current?.focusCell(first[0], Object.keys(first[1]).find((k) => first[1][k]!.trim() !== '') ?? 'qrrId');
    },
    discard: () => setDrafts(new Map()),
  });

  const focused = subsidies.find((s) => s.id === focusedId) ?? null;

  const doExport = async (format: 'csv' | 'xlsx') => {
    const result = await call(api().exportSubsidies({ format, filters: { budgetYear: year, ...filters } }));
    if (result.ok) setExported(`${plural(result.value.lines, 'ligne exportée', 'lignes exportées')} dans ${result.value.path}`);
    else setError(result.error);
  };

  return (
    <section aria-labelledby="fipd-title" className="qrr-screen--grid">
      <h1 id="fipd-title">Crédits FIPD</h1>
      <ErrorAlert error={error} title="Crédits FIPD" />
      <div className="qrr-toolbar">
        <div className="fr-select-group">
          <label className="fr-label" htmlFor="fipd-year">
            Année budgétaire
          </label>
          <select id="fipd-year" className="fr-select" value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {Array.from({ length: thisYear + 2 - 2018 }, (_, i) => thisYear + 1 - i).map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <FilterSelect
          id="fipd-qrr"
          label="Quartier"
          allLabel="Tous"
          value={filters.qrrId === undefined ? '' : String(filters.qrrId)}
          options={qrrs.map((q) => [String(q.id), q.name] as const)}
          onChange={(v) => setFilters(({ qrrId: _q, ...rest }) => (v ? { ...rest, qrrId: Number(v) } : rest))}
        />
        <FilterSelect
          id="fipd-status"
          label="Statut"
          allLabel="Tous"
          value={filters.status ?? ''}
          options={SUBSIDY_STATUSES.map((s) => [s, SUBSIDY_STATUS_LABELS[s]] as const)}
          onChange={(v) => setFilters(({ status: _s, ...rest }) => (v ? { ...rest, status: v as SubsidyStatus } : rest))}
        />
        <FilterSelect
          id="fipd-source"
          label="Source"
          allLabel="Toutes"
          value={filters.source ?? ''}
          options={FUNDING_SOURCES.map((s) => [s, FUNDING_SOURCE_LABELS[s]] as const)}
          onChange={(v) => setFilters(({ source: _s, ...rest }) => (v ? { ...rest, source: v as FundingSource } : rest))}
        />
        <ul className="fr-btns-group fr-btns-group--inline-sm qrr-toolbar__end">
          <li>
            <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" onClick={() => void doExport('csv')}>
              Exporter en CSV
            </button>
          </li>
          <li>
            <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" onClick={() => void doExport('xlsx')}>
              Exporter en Excel (.xlsx)
            </button>
          </li>
        </ul>
      </div>
      {exported && (
        <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-1w" role="status" data-testid="fipd-exported">
          <p>{exported}</p>
        </div>
      )}
      {ledger && (
        <FipdLedgerPanel
          ledger={ledger}
          qrrs={allQrrs}
          // Open while an envelope is missing: the year starts there.
          envelopesOpen={envelopeRows.some((r) => !r.envelope)}
          envelopes={
            <SpreadsheetGrid<EnvelopeRow>
              ariaLabel="Enveloppes FIPD"
              rows={envelopeRows}
              getRowId={(r) => r.id}
              columns={envelopeColumns}
              isDataRow={() => true}
              readOnly={false}
              onWrite={writeEnvelopes}
              height={Math.min(100 + envelopeRows.length * 34, 260)}
              resetKey={String(year)}
            />
          }
        />
      )}
      <h2 className="fr-h6 fr-mb-0">Subventions {year}</h2>
      <p className="fr-text--xs fr-mb-1v">
        Tapez ou collez des lignes depuis un tableur dans les lignes vides du bas : une ligne est enregistrée dès que le quartier,
        l'association et l'intitulé sont connus (source FIPD par défaut).
      </p>
      {overEnvelope && (
        <div className="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w" role="alert">
          <h3 className="fr-alert__title">Dépassement de l'enveloppe</h3>
          <p>{overEnvelope.message}</p>
          <div className="fr-input-group">
            <label className="fr-label" htmlFor="fipd-reason">
              Motif du dépassement (journalisé)
            </label>
            <input id="fipd-reason" className="fr-input" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <ul className="fr-btns-group fr-btns-group--inline-sm">
            <li>
              <button
                type="button"
                className="fr-btn fr-btn--sm"
                onClick={async () => {
                  const result = await saveLines(overEnvelope.lines, 'saisie', reason);
                  if (result.ok) {
                    setOverEnvelope(null);
                    setReason('');
                    setDrafts(new Map());
                  } else setError(result.error);
                }}
              >
                Engager malgré le dépassement
              </button>
            </li>
            <li>
              <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" onClick={() => setOverEnvelope(null)}>
                Annuler
              </button>
            </li>
          </ul>
        </div>
      )}
      <GridWithSide
        sideTitle="Versements et pièces"
        grid={
          <SpreadsheetGrid<SubsidyRow>
            handleRef={subsidySheet}
            ariaLabel="Subventions"
            rows={rows}
            getRowId={(r) => r.id}
            columns={columns}
            isDataRow={isSubsidyDataRow}
            readOnly={false}
            onWrite={onWrite}
            pinnedBottomRows={totals}
            resetKey={`${year}-${JSON.stringify(filters)}`}
            onCellFocused={(row) => setFocusedId(row?.type === 'subsidy' ? row.record.id : null)}
          />
        }
        side={
          focused ? (
            <SubsidyDetail key={focused.id} subsidy={focused} onChanged={() => void reload()} />
          ) : (
            <p className="fr-text--sm">Choisissez une subvention : ses versements, ses pièces et son historique s'affichent ici.</p>
          )
        }
      />
    </section>
  );
}
