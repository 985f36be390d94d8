/**
 * The national synthesis adds up results per département (issue 13): three
 * départements' exchange files with different figures (the demonstration,
 * the same with counts doubled and denominators quadrupled, the same with
 * everything tripled); the PDF's « Résultats par département » read back with
 * pdftotext gives, per indicator, each département's figure as computed here
 * from its file and a national figure equal to their sum — or, for a rate,
 * to the ratio of the summed numerators and denominators (not the mean of
 * the rates).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolidateFiles, readExchangeFiles, writeNationalReport } from '../../electron/services/exchange-consolidation';
import { exportExchange } from '../../electron/services/exchange/export';
import { readReferential } from '../../electron/services/referential';
import { sealExchangeDocument, serializeExchangeDocument, type ExchangeDocument } from '../../shared/exchange/format';
import { formatInteger } from '../../shared/format/fr';
import { formatFixedFr } from '../../shared/format/number-fr';
import type { Indicator } from '../../shared/referential/types';
import { openCore, steppingClock, tempDir } from '../support/db';

type Payload = Record<string, number | boolean | string | null>;

/** Another département's file: every numeric part scaled (`factor(key)`), then sealed again. */
function scaled(doc: ExchangeDocument, code: string, nom: string, factor: (key: string) => number): ExchangeDocument {
  const { sha256: _old, ...rest } = doc;
  const scale = (v: unknown): unknown =>
    v === null ? null : Object.fromEntries(Object.entries(v as Payload).map(([k, x]) => [k, typeof x === 'number' ? x * factor(k) : x]));
  return sealExchangeDocument({
    ...rest,
    departement: { code, nom },
    indicatorValues: rest.indicatorValues.map((v) => ({ ...v, value: scale(v.value) as typeof v.value })),
  });
}

const spaces = (s: string): string => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
const frNumber = (s: string): number => Number(s.replace(/[\s\u00a0\u202f%]/g, '').replace(',', '.'));

describe('national synthesis: results per département', () => {
  let dir: string;
  let files: string[];
  let docs: ExchangeDocument[];
  let indicators: Indicator[];

  beforeAll(async () => {
    const core = await openCore(tempDir(), { now: steppingClock('2026-11-26T09:00:00.000Z') });
    try {
      expect((await core.dispatch('installDemo', undefined)).ok).toBe(true);
      indicators = readReferential(core.db).engagements.flatMap((e) => [...e.indicators]);
      const demo = exportExchange({ db: core.db, now: () => new Date('2026-11-26T10:00:00.000Z'), osUser: 'coord', origin: 'test' });
      docs = [
        demo,
        scaled(demo, '13', 'Bouches-du-Rhône', (k) => (k === 'numerator' ? 1 : k === 'denominator' ? 4 : 2)),
        scaled(demo, '2A', 'Corse-du-Sud', () => 3),
      ];
    } finally {
      core.close();
    }
    dir = tempDir('qrr-national-results-');
    files = docs.map((doc) => {
      const file = path.join(dir, `qrr-${doc.departement.code}.qrr`);
      fs.writeFileSync(file, serializeExchangeDocument(doc));
      return file;
    });
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints each département’s figure from its file and the national total by the rule', () => {
    const model = consolidateFiles(readExchangeFiles(files));
    const period = model.period.code;
    const pdf = path.join(dir, 'synthese.pdf');
    writeNationalReport(model, pdf, { generatedAt: '2026-11-27T08:30:00.000Z', appVersion: 'test' });
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    const section = text.slice(text.indexOf('Résultats par département —'), text.indexOf('Départements consolidés'));
    expect(section.length).toBeGreaterThan(0);
    // The order of the columns: départements as the model lists them (13, 2A, 93).
    const order = model.departements.map((d) => d.code);
    expect(order).toEqual(['13', '2A', '93']);
    const byCode = new Map(docs.map((d) => [d.departement.code, d] as const));

    /** The row of an indicator in the section: national figure then one figure per département. */
    const row = (code: string): string[] => {
      const line = section.split('\n').find((l) => new RegExp(`^\\s*${code}\\s`).test(l));
      expect(line, `row ${code}`).toBeDefined();
      return line!.trim().split(/\s{2,}/).slice(-4);
    };
    /** Σ of each part over a file's QRRs whose value is complete for the quarter. */
    const sums = (doc: ExchangeDocument, indicator: Indicator): Payload | null => {
      const complete = doc.indicatorValues
        .filter((v) => v.periodCode === period && v.indicatorCode === indicator.code && v.value !== null)
        .map((v) => v.value as Payload)
        .filter((v) => indicator.parts.every((p) => v[p.key] !== null && v[p.key] !== undefined));
      if (complete.length === 0) return null;
      return Object.fromEntries(indicator.parts.map((p) => [p.key, complete.reduce((s, v) => s + (v[p.key] as number), 0)]));
    };

    // Counts that apply everywhere: each département's sum from its file, the national figure their sum.
    const counts = indicators.filter((i) => i.kind === 'count' && i.parts.length === 1 && !(i.measure?.sansObjet?.length));
    let checked = 0;
    for (const indicator of counts) {
      const found = order.map((code) => sums(byCode.get(code)!, indicator)?.[indicator.parts[0]!.key] as number | undefined);
      if (found.some((v) => v === undefined)) continue;
      const perDept = found as number[];
      const [national, ...printed] = row(indicator.code).map(spaces);
      expect(printed, indicator.code).toEqual(perDept.map((v) => spaces(formatInteger(v))));
      expect(frNumber(national!), indicator.code).toBe(perDept.reduce((s, v) => s + v, 0));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);

    // Rates: the national rate is Σ numerators / Σ denominators, which differs from the mean of the rates here.
    const rates = indicators.filter((i) => i.kind === 'count_rate');
    let rateChecked = 0;
    for (const indicator of rates) {
      const parts = order.map((code) => sums(byCode.get(code)!, indicator));
      if (parts.some((p) => p === null || !(p.denominator as number))) continue;
      const rate = (n: number, d: number) => spaces(`${formatFixedFr((n / d) * 100, 1)} %`);
      const [national, ...printed] = row(indicator.code).map(spaces);
      expect(printed, indicator.code).toEqual(parts.map((p) => rate(p!.numerator as number, p!.denominator as number)));
      const num = parts.reduce((s, p) => s + (p!.numerator as number), 0);
      const den = parts.reduce((s, p) => s + (p!.denominator as number), 0);
      expect(national, indicator.code).toBe(rate(num, den));
      const mean = parts.reduce((s, p) => s + (p!.numerator as number) / (p!.denominator as number), 0) / parts.length;
      expect(Math.abs(mean - num / den)).toBeGreaterThan(0.001);
      rateChecked++;
    }
    expect(rateChecked).toBeGreaterThanOrEqual(1);
  });
});
