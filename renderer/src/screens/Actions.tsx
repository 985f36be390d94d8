import { useMemo, useState } from 'react';
import { decodeActionGrid, type PreviousActionRecord } from '../../../shared/domain/followup-grid';
import type { ActionStatusRecord } from '../../../shared/domain/types';
import { implementationOf } from '../../../shared/report/report-model';
import type { Engagement } from '../../../shared/referential/types';
import { api, call } from '../api';
import { AssessmentPanel } from '../components/AssessmentPanel';
import { GridWithSide } from '../components/SidePanel';
import { CellHistory } from '../components/CellHistory';
import { FollowupFrame } from '../components/FollowupFrame';
import { ImplementationChart } from '../components/ImplementationChart';
import { QrrChoice } from '../components/QrrChoice';
import { SpreadsheetGrid } from '../grid/SpreadsheetGrid';
import { useStableRows } from '../grid/stable-rows';
import { gridWriter } from '../grid/writer';
import { focusedQrrId, frameProps, useFollowupScreen } from '../useFollowupScreen';
import {
  buildActionColumns,
  buildActionRows,
  isActionRow,
  planActionWrites,
  sameActionRow,
  type ActionRow,
  type PlannedActionChange,
} from './actions/action-grid-model';

const EMPTY_LOAD: ReturnType<typeof decodeActionGrid> = { records: [], previous: [] };
const actionRowId = (r: ActionRow): string => r.id;
const statusKey = (r: { qrrId: number; actionCode: string }): string => `${r.qrrId}|${r.actionCode}`;

/**
 * The 64 actions of the référentiel per QRR and quarter: status, référent and
 * comment in a spreadsheet, the share carried out per engagement, and the
 * engagement's assessment (météo, trend, synthesis) for the focused row.
 */
export function Actions({ engagements }: { engagements: readonly Engagement[] }) {
  const screen = useFollowupScreen<ActionStatusRecord, PreviousActionRecord>({
    load: async (periodCode, qrrIds) => {
      const result = await call(api().loadActionGrid({ periodCode, qrrIds: [...qrrIds] }));
      return result.ok ? { ok: true as const, value: decodeActionGrid(result.value) } : result;
    },
    empty: EMPTY_LOAD,
    keyOf: statusKey,
  });
  const { selected, select, changed, qrrs, shown, setShown, visibleQrrs, records, previous, merge, readOnly, readOnlyReason } = screen;
  const [focused, setFocused] = useState<{ engagementCode: string; actionCode: string; qrrId: number } | null>(null);

  const rows = useStableRows(
    useMemo(() => buildActionRows(engagements, records, previous), [engagements, records, previous]),
    actionRowId,
    sameActionRow,
  );
  const columns = useMemo(() => buildActionColumns(visibleQrrs, visibleQrrs.length === 1), [visibleQrrs]);

  const chartRows = useMemo(() => {
    const status = new Map(records.map((r) => [`${r.qrrId}|${r.actionCode}`, r.status]));
    return engagements.map((e) => ({
      code: e.code,
      title: e.title,
      implementation: implementationOf(e.actions.flatMap((a) => visibleQrrs.map((q) => status.get(`${q.id}|${a.code}`) ?? null))),
    }));
  }, [engagements, records, visibleQrrs]);

  const save = async (changes: readonly PlannedActionChange[], direction: 'after' | 'before', via: string) => {
    const result = await call(
      api().saveActionStatuses({
        periodCode: selected!.code,
        via: via as never,
        changes: changes.map((c) => ({ qrrId: c.qrrId, actionCode: c.actionCode, ...(direction === 'after' ? c.after : c.before) })),
      }),
    );
    // The saved rows are merged (not both quarters reloaded).
    if (result.ok) merge(result.value, new Set(changes.map(statusKey)));
    return result;
  };
  // Planned against what was last saved, not what was last drawn: typing outruns rendering.
  const onWrite = gridWriter((writes) => planActionWrites(buildActionRows(engagements, screen.latest().records, screen.latest().previous), writes), save);

  const focusedEngagement = focused ? engagements.find((e) => e.code === focused.engagementCode) : undefined;

  return (
    <FollowupFrame
      id="actions"
      title="Actions"
      {...frameProps(screen)}
      onSelect={select}
      onChanged={changed}
    >
          <div className="qrr-toolbar">
            <QrrChoice id="actions-qrr" qrrs={qrrs} shown={shown} onChange={setShown} />
          </div>
          <details className="qrr-collapsible">
            <summary>Taux de mise en œuvre par engagement</summary>
            <ImplementationChart rows={chartRows} />
          </details>
          <GridWithSide
            sideTitle="Historique et appréciation"
            grid={
              <SpreadsheetGrid<ActionRow>
                ariaLabel="Actions du trimestre"
                rows={rows}
                getRowId={actionRowId}
                columns={columns}
                isDataRow={isActionRow}
                readOnly={readOnly}
                {...(readOnlyReason ? { readOnlyReason } : {})}
                onWrite={onWrite}
                resetKey={selected?.code ?? ''}
                fullWidthGroupRow={(r) => (r.type === 'group' ? `Engagement ${r.engagement.code} — ${r.engagement.title}` : '')}
                onCellFocused={(row, colId) => {
                  const qrrId = focusedQrrId(colId, visibleQrrs);
                  setFocused(row && isActionRow(row) && qrrId !== null ? { engagementCode: row.engagementCode, actionCode: row.id, qrrId } : null);
                }}
              />
            }
            side={
              <>
                {focused && selected && (
                  <div data-testid="action-cell-detail">
                    <p className="fr-text--sm fr-mb-0">
                      Action {focused.actionCode}, {qrrs.find((q) => q.id === focused.qrrId)?.name}
                    </p>
                    <CellHistory
                      entity="action_status"
                      entityId={`${focused.qrrId}|${focused.actionCode}|${selected.code}`}
                      refreshKey={records.find((r) => r.qrrId === focused.qrrId && r.actionCode === focused.actionCode)?.updatedAt ?? ''}
                    />
                  </div>
                )}
                {focused && focusedEngagement && selected && (
                  <AssessmentPanel
                    key={`${focused.qrrId}-${focused.engagementCode}-${selected.code}`}
                    engagement={focusedEngagement}
                    qrrId={focused.qrrId}
                    qrrName={qrrs.find((q) => q.id === focused.qrrId)?.name ?? ''}
                    periodCode={selected.code}
                    readOnly={readOnly}
                  />
                )}
                {!focused && <p className="fr-text--sm">Choisissez une action : son historique et l'appréciation de son engagement s'affichent ici.</p>}
              </>
            }
          />
    </FollowupFrame>
  );
}
