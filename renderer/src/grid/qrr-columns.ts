import type { QrrName } from '../../../shared/domain/followup-grid';
import { formatDate } from '../../../shared/format/fr';
import type { SheetColumn, SheetColumnDef } from './types';

/**
 * Pieces shared by the follow-up grids (indicators, actions): one block of
 * columns per QRR, grouped under the QRR's name when several are shown side by side.
 */

/** « Mise à jour » of a QRR's cell: date and who, from the row's record for that QRR. */
export function updatedColumn<R>(qrrId: number, recordOf: (row: R) => { readonly updatedAt: string; readonly updatedBy: string } | undefined): SheetColumn<R> {
  return {
    colId: `${qrrId}:updated`,
    headerName: 'Mise à jour',
    text: (row) => {
      const rec = recordOf(row);
      return rec ? `${formatDate(rec.updatedAt)} ${rec.updatedBy}` : '';
    },
    colDef: { width: 170 },
  };
}

/** The fixed columns, then each QRR's block (ungrouped when only one QRR is shown). */
export function withQrrBlocks<R>(fixed: readonly SheetColumnDef<R>[], qrrs: readonly QrrName[], perQrr: (qrr: QrrName) => SheetColumn<R>[]): SheetColumnDef<R>[] {
  if (qrrs.length === 1) return [...fixed, ...perQrr(qrrs[0]!)];
  return [...fixed, ...qrrs.map((q) => ({ groupId: `qrr-${q.id}`, headerName: q.name, children: perQrr(q) }))];
}
