/**
 * The quarterly report's last sections: FIPD credits, the points to complete
 * before transmission, and the visible signature block (its place on the last
 * page, SIGNATURE_BLOCK_RECT, is where sign.ts puts the signature widget).
 *
 * Every text is French; numbers and dates go through shared/format.
 */
import { formatDateTime } from '../../../shared/format/fr';
import { formatEurosFromCents } from '../../../shared/format/number-fr';
import { type ReportModel } from '../../../shared/report/report-model';
import { BLUE, implementationText, LIGHT, MM_TO_PT, MUTED, PAGE_H, percentText, TEXT, Writer, type TableCell } from './pdf-kit';
import type { RenderReportOptions } from './pdf-report-sections';

/** The visible signature block, in millimetres from the top-left of the last page. */
export const SIGNATURE_BLOCK_MM = { x: 105, y: 222, w: 90, h: 42 } as const;
/** The same rectangle in PDF user space (points, origin bottom-left): [x1, y1, x2, y2]. */
export const SIGNATURE_BLOCK_RECT: readonly [number, number, number, number] = [
  round2(SIGNATURE_BLOCK_MM.x * MM_TO_PT),
  round2((PAGE_H - SIGNATURE_BLOCK_MM.y - SIGNATURE_BLOCK_MM.h) * MM_TO_PT),
  round2((SIGNATURE_BLOCK_MM.x + SIGNATURE_BLOCK_MM.w) * MM_TO_PT),
  round2((PAGE_H - SIGNATURE_BLOCK_MM.y) * MM_TO_PT),
];
function round2(n: number): number {
  return Math.round(n * 100) / 100;
}


export function fipdSection(w: Writer, model: ReportModel): void {
  w.heading('Crédits du FIPD', 1);
  const f = model.fipd;
  if (f.empty) {
    w.paragraph(f.emptyText, 10);
    return;
  }
  const euros = (c: number) => formatEurosFromCents(c);
  if (f.envelopes.length > 0) {
    w.table({
      head: ['Enveloppe', 'Quartier', 'Délégué', 'Engagé', 'Payé', 'Reste à engager', 'Reste à payer'],
      body: [
        ...f.envelopes.map((e) => [e.label, e.qrrName, euros(e.delegatedCents), euros(e.committedCents), euros(e.paidCents), euros(e.remainingToCommitCents), euros(e.remainingToPayCents)]),
        [
          { content: 'Total', styles: { fontStyle: 'bold' } } as TableCell,
          '',
          euros(f.totals.delegatedCents),
          euros(f.totals.committedCents),
          euros(f.totals.paidCents),
          euros(f.totals.remainingToCommitCents),
          euros(f.totals.remainingToPayCents),
        ],
      ],
      columnStyles: { 2: { halign: 'right' }, 3: { halign: 'right' }, 4: { halign: 'right' }, 5: { halign: 'right' }, 6: { halign: 'right' } },
    });
  }
  if (f.subsidies.length > 0) {
    w.heading('Subventions FIPD décidées dans le trimestre', 3);
    w.table({
      head: ['Bénéficiaire', 'Quartier', 'Objet', 'Accordé', 'Payé'],
      body: f.subsidies.map((s) => [s.beneficiary, s.qrrName, s.object, euros(s.grantedCents), euros(s.paidCents)]),
      columnStyles: { 3: { halign: 'right' }, 4: { halign: 'right' } },
    });
  }
  if (f.otherSubsidies.length > 0) {
    w.heading('Autres crédits (hors FIPD) décidés dans le trimestre', 3);
    w.table({
      head: ['Source', 'Bénéficiaire', 'Quartier', 'Objet', 'Accordé', 'Payé'],
      body: f.otherSubsidies.map((s) => [s.sourceLabel, s.beneficiary, s.qrrName, s.object, euros(s.grantedCents), euros(s.paidCents)]),
      columnStyles: { 0: { cellWidth: 24 }, 4: { halign: 'right' }, 5: { halign: 'right' } },
    });
  }
}

export function missingSection(w: Writer, model: ReportModel): void {
  w.heading('Points à compléter avant transmission', 1);
  const m = model.missing;
  if (m.ready) {
    w.paragraph('Aucun : tous les indicateurs sont renseignés, tous les engagements ont une météo et toutes les actions un statut.', 10);
    return;
  }
  w.paragraph(m.summary.join(' '), 10, { after: 3 });
  if (m.indicators.length > 0) {
    w.heading('Indicateurs non renseignés ou incomplets', 3);
    w.table({
      head: ['Quartier', 'Code', 'Indicateur', 'État'],
      body: m.indicators.map((i) => [i.qrrName, i.indicatorCode, i.label, i.partial ? 'Incomplet' : 'Vide']),
      columnStyles: { 0: { cellWidth: 35 }, 1: { cellWidth: 12 }, 3: { cellWidth: 18 } },
    });
  }
  if (m.assessments.length > 0) {
    w.heading('Engagements sans météo', 3);
    w.table({
      head: ['Quartier', 'Engagement'],
      body: m.assessments.map((a) => [a.qrrName, `${a.engagementCode} — ${a.title}`]),
      columnStyles: { 0: { cellWidth: 35 } },
    });
  }
  if (m.actions.length > 0) {
    w.heading('Actions sans statut', 3);
    w.table({
      head: ['Quartier', 'Code', 'Action'],
      body: m.actions.map((a) => [a.qrrName, a.actionCode, a.label]),
      columnStyles: { 0: { cellWidth: 35 }, 1: { cellWidth: 15 } },
    });
  }
}

export function signatureBlock(w: Writer, model: ReportModel, block: NonNullable<RenderReportOptions['signatureBlock']>, mark: (title: string) => void): void {
  const { doc } = w;
  const { x, y, w: bw, h } = SIGNATURE_BLOCK_MM;
  if (w.y > y - 30) {
    // No page holding a signature alone: the signature page recalls what is signed.
    w.newPage();
    w.heading(`Récapitulatif signé — ${model.period.label}`, 1);
    w.table({
      head: ['Engagement', 'Météo', 'Mise en œuvre', 'Complétude'],
      body: model.lines.map((l) => {
        const e = model.engagements.find((x) => x.code === l.code)!;
        return [`${l.code} — ${l.title}`, l.meteoMeaning, implementationText(e.implementation), percentText(e.completeness)];
      }),
      columnStyles: { 0: { cellWidth: 80 } },
    });
    w.paragraph(
      `${model.signature.authority}. ${model.missing.ready ? 'Toutes les données de la période sont renseignées.' : model.missing.summary.join(' ')}`,
      9,
    );
  }
  w.y = Math.max(w.y + 4, y - 24);
  mark('Signature');
  w.heading('Signature', 3);
  w.paragraph(
    `Le présent rapport du ${model.period.label} est signé électroniquement pour sa transmission ; ` +
      'la signature couvre le document entier et les données jointes.',
    9,
    { after: 0 },
  );
  doc.setDrawColor(BLUE[0], BLUE[1], BLUE[2]);
  doc.setLineWidth(0.4);
  doc.setFillColor(LIGHT[0], LIGHT[1], LIGHT[2]);
  doc.rect(x, y, bw, h, 'FD');
  w.font('bold', 9.5, BLUE);
  doc.text('Signature électronique', x + 4, y + 7);
  w.font('normal', 8.5, TEXT);
  const lines = [
    ...(doc.splitTextToSize(`Signé par : ${block.name}`, bw - 8) as string[]),
    ...(doc.splitTextToSize(`Qualité : ${block.title}`, bw - 8) as string[]),
    `Date : ${formatDateTime(block.date).replace(' ', ' à ')}`,
  ];
  doc.text(lines.slice(0, 5), x + 4, y + 13.5, { lineHeightFactor: 1.3 });
  w.font('normal', 6.5, MUTED);
  doc.text('Signature numérique PAdES (certificat du signataire) : voir le panneau des signatures du lecteur PDF.', x + 4, y + h - 4, {
    maxWidth: bw - 8,
  });
}
