/**
 * What each indicator measures (seeds/referential.json, version 2): every
 * indicator has a nature and aggregation rules consistent with its kind and
 * nature, every quoted wording exists in the circular's text, every linked
 * action exists in the same engagement, and docs/referentiel-mesures.md lists
 * every indicator.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AGGREGATION_RULES,
  INDICATOR_NATURES,
  INDICATOR_SOURCES,
  SANS_OBJET_CONDITIONS,
  type Referential,
} from '../../shared/referential/types';
import { REPO_ROOT } from '../support/paths';

const referential = JSON.parse(readFileSync(path.join(REPO_ROOT, 'seeds', 'referential.json'), 'utf8')) as Referential;
const circular = readFileSync(path.join(REPO_ROOT, 'seeds', 'source', 'circulaire-6280-SG-la-republique-en-actes.txt'), 'utf8');
const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'referentiel-mesures.md'), 'utf8');

/** Markup (HTML tags, Markdown emphasis) removed and whitespace collapsed on both sides of a quote check. */
const plain = (s: string): string =>
  s
    .replace(/\s*<sup>(.*?)<\/sup>/giu, '$1')
    .replace(/<[^>]*>/gu, ' ')
    .replace(/\*/gu, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/\s+([,.])/gu, '$1');
const circularText = plain(circular);

const indicators = referential.engagements.flatMap((e) => e.indicators.map((i) => ({ engagement: e, indicator: i })));
const actions = referential.engagements.flatMap((e) => e.actions);

describe('référentiel: what each indicator measures', () => {
  it('is version 2 or later', () => {
    expect(referential.version).toBeGreaterThanOrEqual(2);
  });

  it.each(indicators.map(({ engagement, indicator }) => [indicator.code, engagement, indicator] as const))(
    'indicator %s has a nature, aggregation rules, a source and actions of its engagement',
    (_code, engagement, indicator) => {
      const m = indicator.measure!;
      expect(m, 'measure').toBeDefined();
      expect(INDICATOR_NATURES).toContain(m.nature);
      expect(AGGREGATION_RULES).toContain(m.acrossQuartiers);
      expect(AGGREGATION_RULES).toContain(m.overYear);
      expect(INDICATOR_SOURCES).toContain(m.source);
      // Across quartiers: rates add up as ratios of sums; states and presences never add up.
      const across = { count_rate: 'ratio_of_sums', ratio_per_1000: 'ratio_of_sums', progress: 'none', presence: 'none', text: 'none' } as Record<string, string>;
      expect(m.acrossQuartiers).toBe(across[indicator.kind] ?? 'sum');
      // Over a year: follows the nature (stock and yearly keep the latest figure, flows add up).
      const overYear = m.acrossQuartiers === 'none' ? 'latest' : { stock: 'latest', yearly: 'latest', flow: 'sum', seasonal: 'sum' }[m.nature];
      expect(m.overYear).toBe(overYear);
      expect(m.actions.length).toBeGreaterThan(0);
      for (const a of m.actions) expect(engagement.actions.map((x) => x.code)).toContain(a);
    },
  );

  it('quotes the circular word for word (natures, « sans objet » rules, targets)', () => {
    const quotes = [
      ...indicators.flatMap(({ indicator: i }) => [
        [i.code, i.measure!.basis],
        ...i.measure!.sansObjet.map((s) => [i.code, s.quote]),
        ...(i.measure!.target ? [[i.code, i.measure!.target.quote]] : []),
      ]),
      ...actions.flatMap((a) => (a.measure?.sansObjet ?? []).map((s) => [a.code, s.quote])),
    ];
    expect(quotes.length).toBeGreaterThan(60);
    const missing = quotes.filter(([, q]) => !circularText.includes(plain(q!)));
    expect(missing).toEqual([]);
  });

  it('states the circular\'s own targets where it gives one', () => {
    const targets = Object.fromEntries(indicators.filter(({ indicator: i }) => i.measure!.target).map(({ indicator: i }) => [i.code, i.measure!.target!.rule]));
    expect(targets).toMatchObject({ '03-01': 'at_least', '03-02': 'at_least', '04-01': 'double', '04-03': 'double', '08-02': 'at_least' });
  });

  it('proposes « sans objet » from the QRR\'s zone and for département-level actions', () => {
    for (const s of [...indicators.flatMap(({ indicator: i }) => i.measure!.sansObjet), ...actions.flatMap((a) => a.measure!.sansObjet)]) {
      expect(SANS_OBJET_CONDITIONS).toContain(s.when);
      expect(s.reason.length).toBeGreaterThan(10);
    }
    const whenOf = (code: string) => indicators.find(({ indicator }) => indicator.code === code)!.indicator.measure!.sansObjet.map((s) => s.when);
    expect(whenOf('08-02')).toEqual(['zone_gendarmerie']);
    expect(whenOf('08-06')).toEqual(['zone_gendarmerie']);
    // « Groupe de partenariat opérationnel ou de Contrat opérationnel »: both zones.
    expect(whenOf('08-01')).toEqual([]);
    const actionWhen = (code: string) => actions.find((a) => a.code === code)!.measure!.sansObjet.map((s) => s.when);
    expect(actionWhen('10-05')).toEqual(['departement']);
    expect(actionWhen('10-06')).toEqual(['departement']);
    expect(actionWhen('04-02')).toEqual(['departement']);
  });

  it('is explained indicator by indicator in docs/referentiel-mesures.md', () => {
    for (const { indicator } of indicators) expect(doc).toContain(`| ${indicator.code} |`);
  });
});
