import fs from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../electron/services/context';
import { exportSubsidies } from '../../electron/services/fipd/export';
import { setEnvelope } from '../../electron/services/fipd/envelopes';
import { saveSubsidy } from '../../electron/services/fipd/subsidies';
import { neutraliseFormula } from '../../shared/format/spreadsheet-text';
import { createGeography } from '../../electron/services/geography';
import { openCore, steppingClock } from '../support/db';
import { COMMUNES_FILE } from '../support/paths';

/*
 * Issue 15, « Why », « Small ones »: CSV exports wrote cells beginning with
 * =, +, -, @ as they are (beneficiary names can come from colleagues' files).
 * Real files written by the export, read back as a spreadsheet would.
 */

const DANGEROUS = ['=HYPERLINK("http://exemple.invalid","x")', '+33 1 23', '-2+3', '@SOMME(A1)', '\t=1+1', '\r=1+1'];

describe('neutraliseFormula', () => {
  it('prefixes = + - @ tab and carriage return, leaves other texts alone', () => {
    for (const t of ['=1', '+1', '-1', '@A', '\t=1', '\r=1']) expect(neutraliseFormula(t)).toBe(`'${t}`);
    for (const t of ['Association', '', ' =1', "'=1", '1-2']) expect(neutraliseFormula(t)).toBe(t);
  });
});

describe('issue 15: spreadsheet cells beginning with = + - @ \\t \\r are written as text', () => {
  let core: Awaited<ReturnType<typeof openCore>>;
  let ctx: ServiceContext;
  const geography = createGeography(COMMUNES_FILE);

  beforeAll(async () => {
    core = await openCore();
    expect((await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' })).ok).toBe(true);
    const created = await core.dispatch('createQrr', { name: 'QRR Test', communes: ['93066'] });
    expect(created.ok).toBe(true);
    const qrrId = core.db.prepare('SELECT min(id) FROM qrr').pluck().get() as number;
    ctx = { db: core.db, now: steppingClock(), osUser: 'bob', origin: 'ui' };
    setEnvelope(ctx, { qrrId, budgetYear: 2026, source: 'fipd', amountCents: 100_000_000 });
    DANGEROUS.forEach((text, i) =>
      saveSubsidy(ctx, { budgetYear: 2026, qrrId, source: 'fipd', beneficiaryName: `${text.trim() || text} asso`, title: `Action ${i}`, comment: text, requestedCents: 123_456, status: 'demandee' }),
    );
  });
  afterAll(() => core?.close());

  it('Small ones: CSV exports prefix such texts with an apostrophe; amounts stay numbers', async () => {
    const written = await exportSubsidies(ctx, geography, { filters: {}, format: 'csv', outputDir: core.dir });
    const rows = fs.readFileSync(written.path, 'utf8').replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
    // A cell may hold \r (quoted): count the data rows by their first column instead of by lines.
    const text = fs.readFileSync(written.path, 'utf8');
    for (const dangerous of DANGEROUS) {
      // The comment is stored trimmed (a leading tab or carriage return does not survive the save).
      const stored = dangerous.trim();
      const cell = stored.includes('"') ? `"'${stored.replaceAll('"', '""')}"` : `'${stored}`;
      expect(text).toContain(`;${cell}\r\n`);
    }
    // No unquoted cell starts like a formula.
    const cells = rows.flatMap((r) => r.split(';'));
    expect(cells.filter((c) => /^[=+\-@\t]/.test(c))).toEqual([]);
    // Amounts are still plain numbers (French decimals), not text.
    expect(cells).toContain('1234,56');
  });

  it('Small ones: .xlsx exports write such texts as string cells, never formulas', async () => {
    const written = await exportSubsidies(ctx, geography, { filters: {}, format: 'xlsx', outputDir: core.dir });
    const zip = unzipSync(fs.readFileSync(written.path));
    const sheet = strFromU8(zip['xl/worksheets/sheet1.xml']!);
    expect(sheet).not.toMatch(/<f>|<f /);
    const shared = strFromU8(zip['xl/sharedStrings.xml']!);
    expect(shared).toContain('=HYPERLINK(&quot;http://exemple.invalid&quot;,&quot;x&quot;)');
    // The amount column holds numbers (no t="s" on them).
    expect(sheet).toMatch(/<c r="J2"( s="\d+")?><v>1234\.56<\/v><\/c>/);
  });
});
