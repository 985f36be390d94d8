import { useMemo, useRef, useState } from 'react';
import { isPeriodWritable } from '../../../shared/domain/period';
import type { ActionStatusRecord } from '../../../shared/domain/types';
import { implementationOf } from '../../../shared/report/report-model';
import type { Engagement } from '../../../shared/referential/types';
import { api, call } from '../api';
import { AssessmentPanel } from '../components/AssessmentPanel';
import { GridWithSide } from '../components/SidePanel';
import { CellHistory } from '../components/CellHistory';
import { FollowupFrame, readOnlyReasonOf } from '../components/FollowupFrame';
import { ImplementationChart } from '../components/ImplementationChart';
import { QrrChoice, useQrrChoice } from '../components/QrrChoice';
import { SpreadsheetGrid } from '../grid/SpreadsheetGrid';
import { gridWriter } from '../grid/writer';
import { usePeriods } from '../usePeriods';
import { useQuarterRecords } from '../useQuarterRecords';
import {
  buildActionColumns,
  buildActionRows,
  isActionRow,
  planActionWrites,
  type ActionRow,
  type PlannedActionChange,
} from './actions/action-grid-model';

/**
 * The 64 actions of the référentiel per QRR and quarter: status, référent and
 * comment in a spreadsheet, the share carried out per engagement, and the
 * engagement's assessment (météo, trend, synthesis) for the focused row.
 */
export function Actions({ engagements }: { engagements: readonly Engagement[] }) {
  const { periods, selected, select, changed, error: periodError } = usePeriods();
  const { qrrs, shown, setShown, visibleQrrs, error: qrrError } = useQrrChoice();
  const [focused, setFocused] = useState<{ engagementCode: string; actionCode: string; qrrId: number } | null>(null);

  const { records, previous, reload, error } = useQuarterRecords<ActionStatusRecord>(periods, selected, (periodCode) =>
    call(api().listActionStatuses({ periodCode })),
  );

  const rows = useMemo(() => buildActionRows(engagements, records, previous), [engagements, records, previous]);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const columns = useMemo(() => buildActionColumns(visibleQrrs, visibleQrrs.length === 1), [visibleQrrs]);

  const chartRows = useMemo(() => {
    const status = new Map(records.map((r) => [`${r.qrrId}|${r.actionCode}`, r.status]));
    return engagements.map((e) => ({
      code: e.code,
      title: e.title,
      implementation: implementationOf(e.actions.flatMap((a) => visibleQrrs.map((q) => status.get(`${q.id}|${a.code}`) ?? null))),
    }));
  }, [engagements, records, visibleQrrs]);

  const readOnly = !selected || !isPeriodWritable(selected.state);
  const readOnlyReason = readOnlyReasonOf(selected);

  const save = async (changes: readonly PlannedActionChange[], direction: 'after' | 'before', via: string) => {
    const result = await call(
      api().saveActionStatuses({
        periodCode: selected!.code,
        via: via as never,
        changes: changes.map((c) => ({ qrrId: c.qrrId, actionCode: c.actionCode, ...(direction === 'after' ? c.after : c.before) })),
      }),
    );
    await reload();
    return result;
  };
  const onWrite = gridWriter((writes) => planActionWrites(rowsRef.current, writes), save);

  const focusedEngagement = focused ? engagements.find((e) => e.code === focused.engagementCode) : undefined;

  return (
    <FollowupFrame
      id="actions"
      title="Actions"
      error={error ?? periodError ?? qrrError}
      periods={periods}
      selected={selected}
      onSelect={select}
      onChanged={changed}
      qrrs={qrrs}
      readOnlyReason={readOnlyReason}
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
                getRowId={(r) => r.id}
                columns={columns}
                isDataRow={isActionRow}
                readOnly={readOnly}
                {...(readOnlyReason ? { readOnlyReason } : {})}
                onWrite={onWrite}
                resetKey={selected?.code ?? ''}
                fullWidthGroupRow={(r) => (r.type === 'group' ? `Engagement ${r.engagement.code} — ${r.engagement.title}` : '')}
                onCellFocused={(row, colId) => {
                  const qrrId = colId && /^\d+:/.test(colId) ? Number(colId.split(':')[0]) : visibleQrrs.length === 1 ? visibleQrrs[0]!.id : null;
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
