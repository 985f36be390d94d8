/**
 * « Résultats par département » of the national synthesis (issue 13): per
 * indicator, the national figure by its aggregation rule beside each counted
 * département's figure, so the task force sees where a total comes from. The
 * départements go 6 to a table (the national column repeated), grouped by
 * engagement. Headline figures only (the rate of a « Nombre et taux », the
 * beneficiaries of « opérations + bénéficiaires »…): the sums and ratios of
 * sums are those of shared/exchange/consolidate-results.ts.
 */
import { departementText, type NationalModel } from '../../../shared/exchange/consolidate';
import type { IndicatorResult } from '../../../shared/report/results-model';
import { BLUE, CONTENT_W, MUTED, type TableCell, type Writer } from './pdf-kit';

/** Départements per table: 6 columns of about 17 mm beside code, label and national figure. */
export const DEPARTEMENTS_PER_TABLE = 6;

const RULE_LABELS: Readonly<Record<IndicatorResult['rule'], string>> = { sum: 'somme', ratio_of_sums: 'ratio des sommes', none: 'répartition' };

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1).replace(/\s+\S*$/, '')} …`);

/** A figure as the table shows it: the headline for figures that add up, the distribution of states otherwise. */
const cellText = (r: IndicatorResult | undefined): string => {
  if (!r) return '—';
  if (r.applicable === 0) return 'Sans objet';
  return r.rule === 'none' ? r.figure.text : r.figure.headlineText;
};

export function departementResultsSection(w: Writer, model: NationalModel): void {
  w.heading(`Résultats par département — ${model.period.label}`, 1);
  const national = model.results.results;
  const departements = model.results.byDepartement.map((d) => ({
    name: departementText(model.departements.find((x) => x.code === d.departementCode) ?? { code: d.departementCode, nom: d.departementCode }),
    results: new Map(d.results.map((r) => [r.code, r] as const)),
  }));
  w.paragraph(
    'Chiffre national de chaque indicateur selon sa règle (somme ; ratio des sommes pour un taux ou un ratio pour 1 000 habitants ; ' +
      'répartition des quartiers par état pour un état d’avancement), et chiffre de chaque département compté. Chiffre principal : ' +
      'le taux pour « Nombre et taux », les bénéficiaires pour « opérations + bénéficiaires », le total pour la répartition hommes / femmes.',
    8,
    { colour: MUTED, after: 3 },
  );
  if (departements.length === 0) {
    w.paragraph('Aucun département compté pour ce trimestre.', 9.5, { colour: MUTED });
    return;
  }
  const fixedW = 9 + 46 + 20;
  for (let start = 0; start < departements.length; start += DEPARTEMENTS_PER_TABLE) {
    const chunk = departements.slice(start, start + DEPARTEMENTS_PER_TABLE);
    if (departements.length > DEPARTEMENTS_PER_TABLE) {
      w.heading(`Départements ${start + 1} à ${start + chunk.length} sur ${departements.length}`, 3);
    }
    const rows: TableCell[][] = [];
    for (const line of model.results.lines) {
      rows.push([
        {
          content: `${line.code} — ${line.title}`,
          colSpan: 3 + chunk.length,
          styles: { fontStyle: 'bold', fillColor: [238, 238, 248], textColor: [BLUE[0], BLUE[1], BLUE[2]] },
        } as TableCell,
      ]);
      for (const r of national.filter((x) => x.engagementCode === line.code)) {
        rows.push([r.code, `${clip(r.label, 58)} (${RULE_LABELS[r.rule]})`, { content: cellText(r), styles: { fontStyle: 'bold' } } as TableCell, ...chunk.map((d) => cellText(d.results.get(r.code)))]);
      }
    }
    // The columns fill the width (autotable warns about a table narrower than the page when every width is fixed).
    const deptW = (CONTENT_W - fixedW) / chunk.length;
    w.table({
      head: ['Code', 'Indicateur (règle)', 'National', ...chunk.map((d) => d.name)],
      body: rows,
      styles: { fontSize: 6.2, cellPadding: 0.8 },
      headStyles: { fontSize: 6 },
      columnStyles: {
        0: { cellWidth: 9 },
        1: { cellWidth: 46 },
        2: { cellWidth: 20, halign: 'right' },
        ...Object.fromEntries(chunk.map((_, i) => [i + 3, { cellWidth: deptW, halign: 'right' as const }])),
      },
    });
  }
}
