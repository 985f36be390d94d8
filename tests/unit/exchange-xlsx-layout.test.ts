import { describe, expect, it } from 'vitest';
import { withoutExpandedRanges } from '../../electron/services/exchange/xlsx';
import {
  ACTION_COLUMNS,
  ASSESSMENT_COLUMNS,
  ENVELOPE_COLUMNS,
  PAYMENT_COLUMNS,
  SUBSIDY_COLUMNS,
  columnLetter,
  frozenColumns,
  indicatorColumns,
  locateColumns,
  partSlotCount,
} from '../../electron/services/exchange/xlsx-layout';
import { MAX_FIGURE, readFigure } from '../../electron/services/exchange/xlsx-cells';
import {
  cellProblem,
  chunkText,
  escapeCellText,
  eurosToCents,
  parisWallClock,
  partCell,
  partChoices,
  plainCell,
  readChoice,
  readChoices,
  readCodes,
  readDate,
  readEuros,
  readPartCell,
  readRna,
  readSiret,
  readText,
} from '../../electron/services/exchange/xlsx-cells';
import { SEED_REFERENTIAL } from '../../electron/services/referential';
import { ACTION_STATUS_LABELS } from '../../shared/domain/types';
import { SUBSIDY_DOCUMENT_LABELS } from '../../shared/domain/fipd';
import type { IndicatorPart } from '../../shared/referential/types';

const integer: IndicatorPart = { key: 'count', label: "Nombre d'associations", type: 'integer' };
const amount: IndicatorPart = { key: 'amountCents', label: 'Montant alloué', type: 'amount', unit: '€' };
const progress: IndicatorPart = {
  key: 'state',
  label: "État d'avancement",
  type: 'enum',
  values: ['non_engage', 'en_cours', 'realise'],
  valueLabels: { non_engage: 'Non engagé', en_cours: 'En cours', realise: 'Réalisé' },
};
const yesNo: IndicatorPart = { key: 'evenings', label: 'Ouverture en soirée', type: 'boolean' };
const text: IndicatorPart = { key: 'text', label: 'Texte', type: 'text' };

const value = <T,>(r: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!r.ok) throw new Error(`refused: ${r.message}`);
  return r.value;
};
const refusal = (r: { ok: true; value: unknown } | { ok: false; message: string }): string => {
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.value)}`);
  return r.message;
};

describe('column layout', () => {
  it('has as many part slots as the référentiel’s widest indicator, each as label | value | target', () => {
    const widest = Math.max(...SEED_REFERENTIAL.engagements.flatMap((e) => e.indicators.map((i) => i.parts.length)));
    expect(partSlotCount(SEED_REFERENTIAL)).toBe(widest);
    expect(widest).toBe(3);
    const headers = indicatorColumns(3).map((c) => c.header);
    expect(headers).toEqual([
      'Réf.',
      'Quartier',
      'Trimestre',
      'Code',
      'Indicateur',
      'Champ 1',
      'Valeur 1',
      'Cible 1',
      'Champ 2',
      'Valeur 2',
      'Cible 2',
      'Champ 3',
      'Valeur 3',
      'Cible 3',
      'Commentaire',
      'Source',
      'Mis à jour le',
      'Mis à jour par',
    ]);
    // Part labels are shown, not read; values and targets are read.
    expect(indicatorColumns(1).filter((c) => c.role === 'data').map((c) => c.key)).toEqual(['value1', 'target1', 'comment', 'source']);
    expect(frozenColumns(indicatorColumns(3))).toBe(6);
  });

  it('every sheet starts with the hidden reference, has unique keys and headers, and no list column mixes roles', () => {
    for (const columns of [indicatorColumns(3), ACTION_COLUMNS, ASSESSMENT_COLUMNS, ENVELOPE_COLUMNS, SUBSIDY_COLUMNS, PAYMENT_COLUMNS]) {
      expect(columns[0]).toMatchObject({ key: 'ref', role: 'ref' });
      expect(new Set(columns.map((c) => c.key)).size).toBe(columns.length);
      expect(new Set(columns.map((c) => c.header)).size).toBe(columns.length);
      expect(columns.filter((c) => c.role === 'ref')).toHaveLength(1);
    }
  });

  it('numbers columns like spreadsheets do', () => {
    expect([1, 2, 26, 27, 52, 53, 702, 703, 16384].map(columnLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD']);
  });

  it('finds columns by header whatever their order, case or accents; information columns may be missing, others not', () => {
    const found = locateColumns(['Code', 'réf.', null, 'TRIMESTRE', ' Quartier ', 'Statut', 'Référent', 'Commentaire'], ACTION_COLUMNS);
    expect(found.ok && Object.fromEntries(found.positions)).toEqual({ code: 1, ref: 2, period: 4, qrr: 5, status: 6, referent: 7, comment: 8 });
    const missing = locateColumns(['Réf.', 'Quartier', 'Trimestre', 'Code', 'État', 'Référent', 'Commentaire'], ACTION_COLUMNS);
    expect(missing).toEqual({ ok: false, missing: ['Statut'] });
  });

  it('finds the typed comments of « Appréciations » when present, and reads a workbook from before without them (layout 1)', () => {
    const before = ['Réf.', 'Quartier', 'Trimestre', 'Engagement', 'Météo', 'Tendance', 'Commentaire'];
    const old = locateColumns(before, ASSESSMENT_COLUMNS);
    expect(old.ok && [...old.positions.keys()]).toEqual(['ref', 'qrr', 'period', 'code', 'meteo', 'trend', 'comment']);
    const now = locateColumns([...before, 'Freins', 'Actions à venir', 'Réussites'], ASSESSMENT_COLUMNS);
    expect(now.ok && Object.fromEntries([...now.positions].filter(([k]) => ['obstacles', 'nextSteps', 'successes'].includes(k)))).toEqual({ obstacles: 8, nextSteps: 9, successes: 10 });
    // Only those three are optional: a missing synthesis comment is still refused.
    expect(locateColumns(before.slice(0, 6), ASSESSMENT_COLUMNS)).toEqual({ ok: false, missing: ['Commentaire'] });
  });

  it('reads a baseline or a target: numbers as typed, French text, empty as nothing; anything else refused in French', () => {
    expect(value(readFigure(12.5))).toBe(12.5);
    expect(value(readFigure(-3))).toBe(-3);
    expect(value(readFigure('1 234,5'))).toBe(1234.5);
    expect(value(readFigure(' 80 '))).toBe(80);
    expect(value(readFigure('-0'))).toBe(0);
    expect(value(readFigure(null))).toBeNull();
    expect(value(readFigure('  '))).toBeNull();
    expect(refusal(readFigure('douze'))).toBe("« douze » n'est pas un nombre.");
    expect(refusal(readFigure(new Date('2026-01-01T00:00:00Z')))).toBe('un nombre est attendu, pas une date.');
    expect(refusal(readFigure(true))).toBe('un nombre est attendu, pas vrai ou faux.');
    expect(refusal(readFigure(MAX_FIGURE * 10))).toBe('le nombre est trop grand.');
  });

  it('names the sheet, the row and the column of a problem', () => {
    expect(cellProblem('Indicateurs', 12, 7, 'Valeur 1', '« 12,5 » : un nombre entier est attendu.')).toBe(
      'Feuille « Indicateurs », ligne 12, colonne G (« Valeur 1 ») : « 12,5 » : un nombre entier est attendu.',
    );
    expect(cellProblem('Actions', 3, null, null, 'ligne ajoutée.')).toBe('Feuille « Actions », ligne 3 : ligne ajoutée.');
  });

  it('escapes what XML cannot hold as spreadsheets do (_xHHHH_), and literal escapes so they are not decoded', () => {
    expect(escapeCellText('Ligne 1\r\nLigne 2')).toBe('Ligne 1_x000D_\nLigne 2');
    expect(escapeCellText('a\u0001b\tc')).toBe('a_x0001_b\tc');
    expect(escapeCellText('code _x0041_ et _x_')).toBe('code _x005F_x0041_ et _x_');
    expect(escapeCellText('Réunion du 12/03 — 1 234 €')).toBe('Réunion du 12/03 — 1 234 €');
  });

  it('cuts long identification text into cells without splitting a character', () => {
    const long = `${'a'.repeat(9)}😀${'b'.repeat(20)}`;
    const chunks = chunkText(long, 10);
    expect(chunks.join('')).toBe(long);
    expect(chunks.every((c) => c.length <= 10)).toBe(true);
    expect(chunks[0]).toBe('a'.repeat(9));
    expect(chunkText('')).toEqual(['']);
  });
});

describe('cells', () => {
  it('reduces formulas, rich text and links to their content, and refuses errors and formulas without result', () => {
    expect(value(plainCell({ formula: 'A1*2', result: 24 }))).toBe(24);
    expect(value(plainCell({ sharedFormula: 'B2', result: 'En cours' }))).toBe('En cours');
    expect(value(plainCell({ richText: [{ text: '1 2' }, { text: '34' }] }))).toBe('1 234');
    expect(value(plainCell({ text: 'site', hyperlink: 'https://example.org' }))).toBe('site');
    expect(value(plainCell(undefined))).toBeNull();
    expect(refusal(plainCell({ error: '#N/A' }))).toContain('#N/A');
    expect(refusal(plainCell({ formula: 'A1' }))).toContain('formule sans résultat');
  });

  it('reads integer parts typed as numbers or as French text', () => {
    expect(value(readPartCell(integer, 1234))).toBe(1234);
    expect(value(readPartCell(integer, '1 234'))).toBe(1234);
    expect(value(readPartCell(integer, '1\u202f234'))).toBe(1234);
    expect(value(readPartCell(integer, null))).toBeNull();
    expect(value(readPartCell(integer, '  '))).toBeNull();
    expect(refusal(readPartCell(integer, 12.5))).toContain('nombre entier');
    expect(refusal(readPartCell(integer, '12,5'))).toContain('nombre entier');
    expect(refusal(readPartCell(integer, -3))).toContain('négatif');
    expect(refusal(readPartCell(integer, 'douze'))).toContain('« douze »');
    expect(refusal(readPartCell(integer, new Date('2026-01-01T00:00:00Z')))).toContain('date');
    expect(refusal(readPartCell(integer, true))).toContain('vrai ou faux');
  });

  it('reads amounts in euros (number or French text) as integer cents, without floating-point drift', () => {
    expect(value(readPartCell(amount, 1234.5))).toBe(123450);
    expect(value(readPartCell(amount, '1 234,5'))).toBe(123450);
    expect(value(readPartCell(amount, '1 234,56 €'))).toBe(123456);
    expect(value(readPartCell(amount, 0.1 + 0.2))).toBe(30);
    expect(value(readPartCell(amount, 12.34))).toBe(1234);
    expect(refusal(readPartCell(amount, 12.345))).toContain('deux décimales');
    expect(refusal(readPartCell(amount, '12,345'))).toContain('deux décimales');
    expect(refusal(readPartCell(amount, -5))).toContain('négatif');
    expect(value(eurosToCents(99_999_999.99))).toBe(9_999_999_999);
    expect(refusal(eurosToCents(200_000_000))).toContain('trop grand');
  });

  it('reads lists and yes/no by their French words', () => {
    expect(value(readPartCell(progress, 'En cours'))).toBe('en_cours');
    expect(value(readPartCell(progress, 'realise'))).toBe('realise');
    expect(refusal(readPartCell(progress, 'Terminé'))).toContain('Non engagé, En cours, Réalisé');
    expect(value(readPartCell(yesNo, 'oui'))).toBe(true);
    expect(value(readPartCell(yesNo, 'Non'))).toBe(false);
    expect(value(readPartCell(yesNo, true))).toBe(true);
    expect(refusal(readPartCell(yesNo, 'peut-être'))).toContain('oui ou non');
    expect(partChoices(progress)).toEqual(['Non engagé', 'En cours', 'Réalisé']);
    expect(partChoices(yesNo)).toEqual(['oui', 'non']);
    expect(partChoices(integer)).toBeNull();
  });

  it('writes every part so that reading the cell gives the value back', () => {
    const samples: [IndicatorPart, unknown[]][] = [
      [integer, [0, 1, 1234, 9_007_199_254_740_991, null]],
      [amount, [0, 1, 10, 99, 123456, 710000, 1_000_000_001, null]],
      [progress, ['non_engage', 'en_cours', 'realise', null]],
      [yesNo, [true, false, null]],
      [text, ['Réunion du comité', null]],
    ];
    for (const [part, values] of samples) {
      for (const v of values) expect(value(readPartCell(part, partCell(part, v as never)))).toBe(v);
    }
    // The référentiel's own parts too.
    for (const indicator of SEED_REFERENTIAL.engagements.flatMap((e) => e.indicators)) {
      for (const part of indicator.parts) {
        const sample = part.type === 'enum' ? part.values![0]! : part.type === 'boolean' ? true : part.type === 'text' ? 'x' : 4200;
        expect(value(readPartCell(part, partCell(part, sample)))).toBe(sample);
      }
    }
  });

  it('reads euros, dates, lists, codes, SIRET and RNA the French way', () => {
    expect(value(readEuros(null))).toBe(0);
    expect(value(readEuros(25_000))).toBe(2_500_000);
    expect(value(readEuros('26 000,00 €'))).toBe(2_600_000);
    expect(refusal(readEuros(new Date()))).toContain('montant');

    expect(value(readDate(new Date('2026-03-02T00:00:00Z')))).toBe('2026-03-02');
    expect(value(readDate('24/06/2021'))).toBe('2021-06-24');
    expect(value(readDate('2021-06-24'))).toBe('2021-06-24');
    expect(value(readDate(''))).toBeNull();
    expect(refusal(readDate('31/02/2026'))).toContain('calendrier');
    expect(refusal(readDate('demain'))).toContain('jj/mm/aaaa');
    expect(refusal(readDate(46083))).toContain("n’est pas une date");

    expect(value(readChoice(ACTION_STATUS_LABELS, 'Réalisée'))).toBe('realisee');
    expect(value(readChoice(ACTION_STATUS_LABELS, 'NON ENGAGEE'))).toBe('non_engagee');
    expect(value(readChoice(ACTION_STATUS_LABELS, ''))).toBeNull();
    expect(refusal(readChoice(ACTION_STATUS_LABELS, 'Finie'))).toBe('« Finie » n’est pas une valeur de la liste (Non engagée, En cours, Réalisée, Sans objet).');

    // Kept in the application's order whatever the typed order.
    expect(value(readChoices(SUBSIDY_DOCUMENT_LABELS, `${SUBSIDY_DOCUMENT_LABELS.rib}\n${SUBSIDY_DOCUMENT_LABELS.cerfa_12156} ; statuts`))).toEqual([
      'cerfa_12156',
      'rib',
      'statuts',
    ]);
    expect(refusal(readChoices(SUBSIDY_DOCUMENT_LABELS, 'Facture'))).toContain('« Facture »');

    const known = new Set(['01-01', '04-06 bis', '05-02']);
    expect(value(readCodes('01-01, 04-06  bis;05-02, 01-01', known))).toEqual(['01-01', '04-06 bis', '05-02']);
    expect(refusal(readCodes('01-01, 99-99', known))).toContain('« 99-99 »');

    expect(value(readSiret('732 829 320 00074'))).toBe('73282932000074');
    expect(value(readSiret(12345678901234))).toBe('12345678901234');
    expect(value(readSiret(2345678901234))).toBe('02345678901234');
    expect(refusal(readSiret('123'))).toContain('14 chiffres');
    expect(value(readRna('w931234567'))).toBe('W931234567');
    expect(refusal(readRna('X12'))).toContain('RNA');

    expect(value(readText(12.5, 100))).toBe('12,5');
    expect(value(readText(null, 100))).toBe('');
    expect(refusal(readText('x'.repeat(11), 10))).toContain('10 caractères');
  });

  it('shows instants in Paris wall-clock time, summer and winter', () => {
    expect(parisWallClock('2026-07-01T08:30:15.000Z').toISOString()).toBe('2026-07-01T10:30:15.000Z');
    expect(parisWallClock('2026-11-27T09:00:00.000Z').toISOString()).toBe('2026-11-27T10:00:00.000Z');
  });
});

describe('ranges exceljs would expand cell by cell', () => {
  it('are removed from a worksheet, with or without a namespace prefix, and nothing else is', () => {
    const sheet =
      '<worksheet><cols><col min="1" max="16384" width="9"/></cols><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>' +
      '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>' +
      '<x:dataValidations count="1"><x:dataValidation type="list" sqref="A1:XFD1048576"><x:formula1>"a,b"</x:formula1></x:dataValidation></x:dataValidations>' +
      '<dataValidations/><pageMargins left="0.7"/></worksheet>';
    expect(withoutExpandedRanges(sheet)).toBe('<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><pageMargins left="0.7"/></worksheet>');
  });
});
