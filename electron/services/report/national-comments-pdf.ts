/**
 * « Commentaires des départements », the annex of the national synthesis
 * (issue 13): first how many typed comments each engagement received (a
 * table of ten lines), then their texts per engagement, département and
 * quartier. The synthesis' first pages only point here: the texts would
 * flood them.
 */
import { departementText, type NationalModel } from '../../../shared/exchange/consolidate';
import { TYPED_COMMENT_KINDS, TYPED_COMMENT_LABELS } from '../../../shared/exchange/consolidate-comments';
import { formatInteger, plural } from '../../../shared/format/fr';
import { MARGIN_X, MUTED, type Writer } from './pdf-kit';

export const COMMENTS_ANNEX_TITLE = 'Commentaires des départements';

const total = (model: NationalModel): number =>
  model.results.comments.reduce((n, e) => n + TYPED_COMMENT_KINDS.reduce((m, k) => m + e.counts[k], 0), 0);

/** One sentence for the first pages: how many comments, and where they are. */
export function commentsPointer(model: NationalModel): string {
  const n = total(model);
  if (n === 0) return `Aucun département n'a écrit de commentaire « Freins », « Actions à venir » ou « Réussites » pour le ${model.period.label}.`;
  const departements = new Set(model.results.comments.flatMap((e) => e.departements.map((d) => d.departementCode))).size;
  return `${plural(n, 'commentaire')} « Freins », « Actions à venir » ou « Réussites » de ${plural(departements, 'département')} : voir l'annexe « ${COMMENTS_ANNEX_TITLE} ».`;
}

export function departementCommentsSection(w: Writer, model: NationalModel): void {
  w.heading(`${COMMENTS_ANNEX_TITLE} — ${model.period.label}`, 1);
  w.paragraph(
    'Commentaires typés écrits par les départements à côté de leur synthèse, pour le trimestre consolidé : par engagement, ' +
      'puis par département et par quartier, tels que leurs fichiers d’échange les portent.',
    9,
    { colour: MUTED, after: 3 },
  );
  const nameOf = (code: string): string => departementText(model.departements.find((d) => d.code === code) ?? { code, nom: code });
  const count = (n: number): string => (n === 0 ? '—' : formatInteger(n));
  w.table({
    head: ['Engagement', 'Départements', 'Quartiers', ...TYPED_COMMENT_KINDS.map((k) => TYPED_COMMENT_LABELS[k])],
    body: model.results.comments.map((e) => [
      `${e.engagementCode} — ${e.title}`,
      count(e.departements.length),
      count(e.departements.reduce((n, d) => n + d.qrrs.length, 0)),
      ...TYPED_COMMENT_KINDS.map((k) => count(e.counts[k])),
    ]),
    styles: { fontSize: 7.5 },
    headStyles: { fontSize: 7 },
    // « Départements » and « Actions à venir » on one line each at 7 pt.
    columnStyles: Object.fromEntries(([[1, 25], [2, 20], [3, 18], [4, 26], [5, 20]] as const).map(([i, width]) => [i, { halign: 'right' as const, cellWidth: width }])),
  });
  if (total(model) === 0) {
    w.paragraph(commentsPointer(model), 9.5, { colour: MUTED });
    return;
  }
  for (const e of model.results.comments) {
    if (e.departements.length === 0) continue;
    w.heading(`${e.engagementCode} — ${e.title}`, 2);
    for (const d of e.departements) {
      w.heading(nameOf(d.departementCode), 3);
      for (const q of d.qrrs) {
        w.ensure(12);
        w.paragraph(q.qrrName, 9, { style: 'bold', after: 0.8 });
        for (const k of TYPED_COMMENT_KINDS) {
          if (q[k] !== '') w.paragraph(`${TYPED_COMMENT_LABELS[k]} : ${q[k]}`, 8.5, { x: MARGIN_X + 3, after: 0.8 });
        }
        w.y += 1.5;
      }
    }
  }
}
