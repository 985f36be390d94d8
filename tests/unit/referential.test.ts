/**
 * Checks seeds/referential.json against the source text of the circular
 * n° 6280/SG (24 June 2021) and its vade-mecum « La République en actes ».
 *
 * The summary table « TABLEAU DES INDICATEURS DE SUIVI PAR MESURE » is parsed
 * here independently from the raw text, then compared with the JSON.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  INDICATOR_KINDS,
  INDICATOR_PART_TYPES,
  PROGRESS_STATES,
  type IndicatorKind,
  type Referential,
} from '../../shared/referential/types';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
/**
 * The circular and its vade-mecum as handed to the project, kept in the repo
 * (seeds/source/) so the référentiel can always be checked against its source.
 */
const SOURCE = path.join(repoRoot, 'seeds', 'source', 'circulaire-6280-SG-la-republique-en-actes.txt');

function loadSeedText(): string {
  if (!existsSync(SOURCE)) throw new Error(`Source text of the référentiel not found: ${SOURCE}.`);
  return readFileSync(SOURCE, 'utf8');
}

function loadReferential(): Referential {
  const file = path.join(repoRoot, 'seeds', 'referential.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Referential;
}

// ---------------------------------------------------------------------------
// Independent parser of the summary table
// ---------------------------------------------------------------------------

/** Whitespace normalisation shared by both sides of every label comparison. */
function normalise(s: string): string {
  return s
    .normalize('NFC')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/\s+([,.])/gu, '$1');
}

/** Cell text: markup removed (superscripts glued to the previous word), then normalised. */
function cellText(raw: string): string {
  const noMarkup = raw
    .replace(/\s*<sup>(.*?)<\/sup>/giu, '$1')
    .replace(/<[^>]*>/gu, ' ')
    .replace(/&nbsp;/gu, ' ')
    .replace(/&amp;/gu, '&');
  return normalise(noMarkup);
}

interface TableItem {
  code: string;
  label: string;
}
interface TableEngagement {
  code: string;
  title: string;
  actions: TableItem[];
  indicators: TableItem[];
}
interface ParsedTable {
  declared: { engagements: number; actions: number; indicators: number };
  engagements: TableEngagement[];
}

const TABLE_TITLE = 'TABLEAU DES INDICATEURS DE SUIVI PAR MESURE';
const CODED_CELL = /^(\d{2}-\d{2}(?: bis)?) (.+)$/u;
const ENGAGEMENT_CELL = /^Mesure # (\d{2}) ⇒ (.+)$/u;

/**
 * The table is tab-separated: [engagement cell?] action cell, indicator cell.
 * Rows of a continuing engagement start with an empty cell; a few rows are
 * shifted left (no leading tab) and start directly with an action cell.
 * Cells without a code continue the previous action (page breaks).
 */
function parseSummaryTable(text: string): ParsedTable {
  const lines = text.split(/\r?\n/u);
  const start = lines.findIndex((l) => l.includes(TABLE_TITLE));
  if (start < 0) throw new Error(`Summary table « ${TABLE_TITLE} » not found in the seed text`);

  let declared: ParsedTable['declared'] | undefined;
  const engagements: TableEngagement[] = [];
  let current: TableEngagement | undefined;
  let lastAction: TableItem | undefined;

  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') continue;
    let cells = line.split('\t');

    const header = /^(\d+) ENGAGEMENTS\t(\d+) ACTIONS\t(\d+) INDICATEURS/u.exec(line.trim());
    if (header) {
      declared = {
        engagements: Number(header[1]),
        actions: Number(header[2]),
        indicators: Number(header[3]),
      };
      continue;
    }

    const first = cellText(cells[0] ?? '');
    const eng = ENGAGEMENT_CELL.exec(first);
    if (eng) {
      current = { code: eng[1]!, title: eng[2]!, actions: [], indicators: [] };
      engagements.push(current);
      cells = cells.slice(1);
    } else if (first === '') {
      cells = cells.slice(1);
    }
    if (!current) throw new Error(`Table row before any « Mesure # » cell: ${line}`);

    const [actionCell = '', indicatorCell = '', ...rest] = cells.map(cellText);
    if (rest.some((c) => c !== '')) throw new Error(`Unexpected extra cell in table row: ${line}`);

    if (actionCell !== '') {
      const m = CODED_CELL.exec(actionCell);
      if (m) {
        lastAction = { code: m[1]!, label: m[2]! };
        current.actions.push(lastAction);
      } else {
        if (!lastAction) throw new Error(`Continuation cell without a preceding action: ${line}`);
        lastAction.label = normalise(`${lastAction.label} ${actionCell}`);
      }
    }
    if (indicatorCell !== '') {
      const m = CODED_CELL.exec(indicatorCell);
      if (!m) throw new Error(`Indicator cell without a code: ${line}`);
      current.indicators.push({ code: m[1]!, label: m[2]! });
    }
  }
  if (!declared) throw new Error('Header « N ENGAGEMENTS / N ACTIONS / N INDICATEURS » not found');
  return { declared, engagements };
}

/** Kind implied by the table wording, or undefined when the wording decides nothing. */
function kindFromWording(label: string): IndicatorKind | undefined {
  if (/^Nombre et taux\b/u.test(label)) return 'count_rate';
  if (/montants? allou/u.test(label)) return 'amount';
  if (/dont la part d'hommes et de femmes/u.test(label)) return 'gender_split';
  if (/^Etat d'avancement\b/u.test(label)) return 'progress';
  if (/^Présence\b/u.test(label)) return 'presence';
  if (/\/ ?1 000 habitants/u.test(label)) return 'ratio_per_1000';
  if (/(\+|\/|,| et) nombre de jeunes? (bénéficiaires|accueillis|accompagnés)/u.test(label)) {
    return 'operations_beneficiaries';
  }
  if (/^Nombre\b/u.test(label)) return 'count';
  return undefined;
}

const REQUIRED_PART_KEYS: Record<IndicatorKind, string[]> = {
  count: ['count'],
  count_rate: ['numerator', 'denominator'],
  operations_beneficiaries: ['operations', 'beneficiaries'],
  amount: ['count', 'amountCents'],
  progress: ['state'],
  presence: [],
  ratio_per_1000: ['count', 'population'],
  gender_split: ['men', 'women'],
  text: [],
};

// ---------------------------------------------------------------------------

const seedText = loadSeedText();
const table = parseSummaryTable(seedText);
const ref = loadReferential();

const tableActions = table.engagements.flatMap((e) => e.actions);
const tableIndicators = table.engagements.flatMap((e) => e.indicators);
const refActions = ref.engagements.flatMap((e) => e.actions);
const refIndicators = ref.engagements.flatMap((e) => e.indicators);

const corrected = new Map(ref.corrections.map((c) => [`${c.type}:${c.code}`, c]));

describe('summary table parser (sanity)', () => {
  it('finds the header counts announced by the table', () => {
    expect(table.declared).toEqual({ engagements: 10, actions: 65, indicators: 55 });
  });

  it('finds 10 engagements, 64 actions and 56 indicators in the rows', () => {
    expect(table.engagements.map((e) => e.code)).toEqual([
      '01', '02', '03', '04', '05', '06', '07', '08', '09', '10',
    ]);
    expect(tableActions).toHaveLength(64);
    expect(tableIndicators).toHaveLength(56);
    expect(tableActions[0]!.code).toBe('01-01');
    expect(tableActions.at(-1)!.code).toBe('10-06');
    expect(tableIndicators.at(-1)!.code).toBe('10-01');
  });

  it('keeps each code inside its engagement, in increasing order', () => {
    for (const e of table.engagements) {
      for (const series of [e.actions, e.indicators]) {
        const codes = series.map((x) => x.code);
        for (const c of codes) expect(c.startsWith(`${e.code}-`)).toBe(true);
        expect([...codes].sort()).toEqual(codes);
      }
    }
  });
});

describe('seeds/referential.json against the source table', () => {
  it('has the expected header fields', () => {
    expect(ref.version).toBe(2);
    expect(ref.title).toBe('La République en actes');
    expect(ref.source).toMatch(/6280\/SG/u);
    expect(ref.declared).toEqual(table.declared);
    expect(ref.counted).toEqual({
      engagements: table.engagements.length,
      actions: tableActions.length,
      indicators: tableIndicators.length,
    });
    expect(ref.counted).toEqual({ engagements: 10, actions: 64, indicators: 56 });
    expect(ref.notes.length).toBeGreaterThan(0);
  });

  it('has the same engagements, titles and per-engagement counts', () => {
    expect(ref.engagements.map((e) => e.code)).toEqual(table.engagements.map((e) => e.code));
    ref.engagements.forEach((e, i) => {
      const t = table.engagements[i]!;
      expect(normalise(e.title), `title of ${e.code}`).toBe(t.title);
      expect(e.actions.length, `actions of ${e.code}`).toBe(t.actions.length);
      expect(e.indicators.length, `indicators of ${e.code}`).toBe(t.indicators.length);
    });
  });

  it('has the same action codes and indicator codes, in the same order', () => {
    expect(refActions.map((a) => a.code)).toEqual(tableActions.map((a) => a.code));
    expect(refIndicators.map((i) => i.code)).toEqual(tableIndicators.map((i) => i.code));
  });

  it('has unique codes in each series and includes « 04-06 bis »', () => {
    const actionCodes = refActions.map((a) => a.code);
    const indicatorCodes = refIndicators.map((i) => i.code);
    expect(new Set(actionCodes).size).toBe(actionCodes.length);
    expect(new Set(indicatorCodes).size).toBe(indicatorCodes.length);
    expect(actionCodes).toContain('04-06 bis');
    expect(actionCodes.indexOf('04-06 bis')).toBe(actionCodes.indexOf('04-06') + 1);
  });

  it('uses the table labels, except for the recorded corrections', () => {
    const check = (type: 'action' | 'indicator', refItems: { code: string; label: string }[], tableItems: TableItem[]) => {
      refItems.forEach((item, i) => {
        const source = tableItems[i]!;
        const correction = corrected.get(`${type}:${item.code}`);
        if (correction) {
          expect(normalise(correction.original), `original of ${type} ${item.code}`).toBe(source.label);
          expect(item.label, `corrected ${type} ${item.code}`).toBe(correction.corrected);
          expect(correction.corrected).not.toBe(correction.original);
        } else {
          expect(normalise(item.label), `${type} ${item.code}`).toBe(source.label);
        }
      });
    };
    check('action', refActions, tableActions);
    check('indicator', refIndicators, tableIndicators);
  });

  it('records every correction against an existing code, and in the notes', () => {
    const actionCodes = new Set(refActions.map((a) => a.code));
    const indicatorCodes = new Set(refIndicators.map((i) => i.code));
    expect(corrected.size).toBe(ref.corrections.length);
    for (const c of ref.corrections) {
      expect(['action', 'indicator']).toContain(c.type);
      expect((c.type === 'action' ? actionCodes : indicatorCodes).has(c.code), `${c.type} ${c.code}`).toBe(true);
      expect(ref.notes.some((n) => n.includes(c.code)), `note mentions ${c.type} ${c.code}`).toBe(true);
    }
  });

  it('gives every engagement a title and objectives, and only short non-empty strings', () => {
    for (const e of ref.engagements) {
      expect(e.title.length).toBeGreaterThan(0);
      expect(e.objectives.length, `objectives of ${e.code}`).toBeGreaterThan(0);
      for (const s of [...e.objectives, ...e.levers]) {
        expect(s.trim()).toBe(s);
        expect(s.length).toBeGreaterThan(0);
        expect(s).not.toMatch(/https?:\/\//u);
      }
    }
  });
});

describe('indicator kinds and parts', () => {
  it('exports the kinds list', () => {
    expect(INDICATOR_KINDS).toContain('count');
    expect(new Set(INDICATOR_KINDS).size).toBe(INDICATOR_KINDS.length);
  });

  it('gives every indicator a valid kind and non-empty, well-formed parts', () => {
    for (const ind of refIndicators) {
      expect(INDICATOR_KINDS as readonly string[], `kind of ${ind.code}`).toContain(ind.kind);
      expect(ind.parts.length, `parts of ${ind.code}`).toBeGreaterThan(0);
      const keys = ind.parts.map((p) => p.key);
      expect(new Set(keys).size, `unique part keys of ${ind.code}`).toBe(keys.length);
      for (const p of ind.parts) {
        expect(p.key).toMatch(/^[a-z][A-Za-z0-9]*$/u);
        expect(p.label.length).toBeGreaterThan(0);
        expect(INDICATOR_PART_TYPES as readonly string[]).toContain(p.type);
        if (p.type === 'enum') expect(p.values?.length).toBeGreaterThan(0);
      }
      for (const key of REQUIRED_PART_KEYS[ind.kind]) {
        expect(keys, `${ind.code} (${ind.kind}) needs part ${key}`).toContain(key);
      }
      if (ind.kind === 'amount') {
        expect(ind.parts.find((p) => p.key === 'amountCents')?.type).toBe('amount');
      }
      if (ind.kind === 'progress') {
        expect(ind.parts.find((p) => p.key === 'state')?.values).toEqual([...PROGRESS_STATES]);
      }
      if (ind.kind === 'presence') {
        for (const p of ind.parts) expect(p.type).toBe('boolean');
      }
      if (ind.kind !== 'progress' && ind.kind !== 'presence' && ind.kind !== 'text') {
        expect(ind.parts.some((p) => p.type === 'integer')).toBe(true);
      }
    }
  });

  it('matches the kind implied by the table wording', () => {
    refIndicators.forEach((ind, i) => {
      const expected = kindFromWording(tableIndicators[i]!.label);
      if (expected) expect(ind.kind, `${ind.code}: ${tableIndicators[i]!.label}`).toBe(expected);
    });
    const byCode = new Map(refIndicators.map((i) => [i.code, i]));
    expect(byCode.get('03-03')?.kind).toBe('ratio_per_1000');
    expect(byCode.get('05-02')?.kind).toBe('amount');
    expect(byCode.get('05-03')?.kind).toBe('gender_split');
    expect(byCode.get('06-05')?.kind).toBe('presence');
    expect(byCode.get('06-05')?.parts.map((p) => p.key)).toEqual(['evenings', 'weekends']);
  });
});
