/**
 * The actions grid as data: rows (engagement headers, the 64 actions), per QRR
 * columns (status, référent, comment; in detail also last quarter's status and
 * last update), and cell texts → saveActionStatuses changes. Pure.
 */
import { formatActionStatus, parseActionStatus } from '../../../../shared/domain/action-status';
import type { PreviousActionRecord, QrrName } from '../../../../shared/domain/followup-grid';
import { ACTION_STATUSES, ACTION_STATUS_LABELS, type ActionStatus, type ActionStatusRecord } from '../../../../shared/domain/types';
import type { Action, Engagement } from '../../../../shared/referential/types';
import { updatedColumn, withQrrBlocks } from '../../grid/qrr-columns';
import { sameEntries } from '../../grid/stable-rows';
import type { CellWrite, RejectedCell, SheetColumn, SheetColumnDef } from '../../grid/types';

export type ActionRow =
  | { readonly type: 'group'; readonly id: string; readonly engagement: Engagement }
  | {
      readonly type: 'action';
      readonly id: string;
      readonly engagementCode: string;
      readonly action: Action;
      readonly records: ReadonlyMap<number, ActionStatusRecord>;
      readonly previous: ReadonlyMap<number, ActionStatus | null>;
    };

export type ActionDataRow = Extract<ActionRow, { type: 'action' }>;
export const isActionRow = (r: ActionRow): r is ActionDataRow => r.type === 'action';

/** Whether two rows of the same id show the same thing (stable-rows.ts keeps the older object then). */
export const sameActionRow = (a: ActionRow, b: ActionRow): boolean =>
  a.type === 'group' || b.type === 'group'
    ? a.type === 'group' && b.type === 'group' && a.engagement === b.engagement
    : a.action === b.action && sameEntries(a.records, b.records) && sameEntries(a.previous, b.previous);

const byQrr = <T extends { qrrId: number; actionCode: string }>(records: readonly T[]) => {
  const map = new Map<string, Map<number, T>>();
  for (const r of records) {
    if (!map.has(r.actionCode)) map.set(r.actionCode, new Map());
    map.get(r.actionCode)!.set(r.qrrId, r);
  }
  return map;
};

export function buildActionRows(
  engagements: readonly Engagement[],
  records: readonly ActionStatusRecord[],
  previous: readonly PreviousActionRecord[],
): ActionRow[] {
  const current = byQrr(records);
  const prev = byQrr(previous);
  return engagements.flatMap((engagement): ActionRow[] => [
    { type: 'group', id: `engagement-${engagement.code}`, engagement },
    ...engagement.actions.map(
      (action): ActionRow => ({
        type: 'action',
        id: action.code,
        engagementCode: engagement.code,
        action,
        records: current.get(action.code) ?? new Map(),
        previous: new Map([...(prev.get(action.code) ?? new Map()).entries()].map(([q, r]) => [q, r.status])),
      }),
    ),
  ]);
}

type Field = 'status' | 'referent' | 'comment';
const LIMITS: Readonly<Record<Exclude<Field, 'status'>, number>> = { referent: 120, comment: 2000 };

export const actionColId = (qrrId: number, field: Field): string => `${qrrId}:${field}`;
const parseColId = (colId: string): { qrrId: number; field: Field } | null => {
  const m = /^(\d+):(status|referent|comment)$/.exec(colId);
  return m ? { qrrId: Number(m[1]), field: m[2] as Field } : null;
};

export function buildActionColumns(qrrs: readonly QrrName[], detailed: boolean): SheetColumnDef<ActionRow>[] {
  const data = (f: (row: ActionDataRow) => string) => (row: ActionRow) => (isActionRow(row) ? f(row) : '');
  const fixed: SheetColumn<ActionRow>[] = [
    { colId: 'code', headerName: 'Code', text: data((r) => r.action.code), colDef: { pinned: 'left', width: 100 } },
    {
      colId: 'label',
      headerName: 'Action',
      text: data((r) => r.action.label),
      colDef: { pinned: 'left', width: detailed ? 380 : 300, tooltipValueGetter: (p) => (p.data && isActionRow(p.data) ? p.data.action.label : undefined) },
    },
  ];
  const perQrr = (q: QrrName): SheetColumn<ActionRow>[] => {
    const columns: SheetColumn<ActionRow>[] = [
      {
        colId: actionColId(q.id, 'status'),
        headerName: 'Statut',
        text: data((r) => formatActionStatus(r.records.get(q.id)?.status ?? null)),
        editable: isActionRow,
        placeholder: () => 'À renseigner',
        choices: () => ACTION_STATUSES.map((s) => ACTION_STATUS_LABELS[s]),
        validate: (_r, text) => {
          const parsed = parseActionStatus(text);
          return parsed.ok ? null : parsed.message;
        },
        colDef: {
          width: 140,
          cellClassRules: {
            'qrr-status--realisee': (p) => !!p.data && isActionRow(p.data) && p.data.records.get(q.id)?.status === 'realisee',
          },
        },
      },
      {
        colId: actionColId(q.id, 'referent'),
        headerName: 'Référent',
        text: data((r) => r.records.get(q.id)?.referent ?? ''),
        editable: isActionRow,
        validate: (_r, t) => (t.trim().length > LIMITS.referent ? `Le référent ne peut pas dépasser ${LIMITS.referent} caractères.` : null),
        colDef: { width: 150 },
      },
      {
        colId: actionColId(q.id, 'comment'),
        headerName: 'Commentaire',
        text: data((r) => r.records.get(q.id)?.comment ?? ''),
        editable: isActionRow,
        validate: (_r, t) => (t.trim().length > LIMITS.comment ? 'Le commentaire ne peut pas dépasser 2 000 caractères.' : null),
        colDef: { width: detailed ? 260 : 180 },
      },
    ];
    if (!detailed) return columns;
    return [
      ...columns,
      {
        colId: `${q.id}:previous`,
        headerName: 'Trimestre précédent',
        text: data((r) => formatActionStatus(r.previous.get(q.id) ?? null)),
        colDef: { width: 160 },
      },
      updatedColumn<ActionRow>(q.id, (r) => (isActionRow(r) ? r.records.get(q.id) : undefined)),
    ];
  };
  return withQrrBlocks(fixed, qrrs, perQrr);
}

export interface PlannedActionChange {
  readonly qrrId: number;
  readonly actionCode: string;
  readonly after: { status?: ActionStatus | null; referent?: string; comment?: string };
  readonly before: { status?: ActionStatus | null; referent?: string; comment?: string };
}

export function planActionWrites(rows: readonly ActionRow[], writes: readonly CellWrite[]): { changes: PlannedActionChange[]; rejected: RejectedCell[] } {
  const rowById = new Map(rows.filter(isActionRow).map((r) => [r.id, r]));
  const rejected: RejectedCell[] = [];
  const drafts = new Map<string, { qrrId: number; actionCode: string; after: PlannedActionChange['after']; before: PlannedActionChange['before'] }>();
  for (const w of writes) {
    const row = rowById.get(w.rowId);
    const col = parseColId(w.colId);
    if (!row || !col) continue;
    const record = row.records.get(col.qrrId);
    let value: ActionStatus | null | string;
    if (col.field === 'status') {
      const parsed = parseActionStatus(w.text);
      if (!parsed.ok) {
        rejected.push({ ...w, reason: parsed.message });
        continue;
      }
      value = parsed.value;
    } else {
      value = w.text.trim();
      if (value.length > LIMITS[col.field]) {
        rejected.push({ ...w, reason: `Texte trop long (${LIMITS[col.field]} caractères au plus).` });
        continue;
      }
    }
    const current = col.field === 'status' ? (record?.status ?? null) : (record?.[col.field] ?? '');
    if (current === value) continue;
    const key = `${col.qrrId}|${row.id}`;
    const draft = drafts.get(key) ?? drafts.set(key, { qrrId: col.qrrId, actionCode: row.id, after: {}, before: {} }).get(key)!;
    (draft.after as Record<string, unknown>)[col.field] = value;
    (draft.before as Record<string, unknown>)[col.field] = current;
  }
  return { changes: [...drafts.values()], rejected };
}
