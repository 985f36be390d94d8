/**
 * Issue 13 in the Excel exchange workbook: the results travel like in the
 * .qrr file — « Cibles » (baselines and targets with their dates), « Sans
 * objet » (decisions and their reason) and the typed comments beside the
 * synthesis in « Appréciations » — written on export, read back on import
 * with the same preview and apply rules as the file's results section. An
 * older workbook (without them) still imports. Real workbooks, real SQLite
 * files, LibreOffice Calc when installed.
 */
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../electron/services/context';
import { exportExchange } from '../../electron/services/exchange/export';
import { previewImport } from '../../electron/services/exchange/preview';
import { exchangeFromWorkbook, exchangeToWorkbook } from '../../electron/services/exchange/xlsx';
import { saveAssessment, saveIndicatorValues } from '../../electron/services/followup';
import { createGeography } from '../../electron/services/geography';
import { openPeriod } from '../../electron/services/periods';
import { readReferential } from '../../electron/services/referential';
import { listTargets, saveSansObjet, saveTarget } from '../../electron/services/results';
import type { ExchangeDocument } from '../../shared/exchange/format';
import { DomainError } from '../../shared/ipc/result';
import { SOFFICE, column, edit, resaveWithCalc, rowWhere, sheetOf } from '../support/workbook';
import { openCore, steppingClock } from '../support/db';
import { COMMUNES_FILE } from '../support/paths';

type Core = Awaited<ReturnType<typeof openCore>>;
const geography = createGeography(COMMUNES_FILE);
const RESULT_TABLES = new Set(['sans_objet', 'indicator_target']);
const TYPED = new Set(['obstacles', 'nextSteps', 'successes']);
const isResultsLine = (l: { table: string; field: string }) => RESULT_TABLES.has(l.table) || (l.table === 'assessment' && TYPED.has(l.field));
/** Texts a spreadsheet would run as formulas if they were written as such. */
const FORMULA_REASON = '=HYPERLINK("http://exemple.invalid","x") aucune copropriété';
const FORMULA_COMMENT = '+33 1 23 45 67 89 : la mairie rappellera';

const asFile = (fileName: string, bytes: Uint8Array) => ({ fileName, contentBase64: Buffer.from(bytes).toString('base64') });

describe('results in the exchange workbook (.xlsx)', () => {
  let a: Core;
  let ctx: ServiceContext;
  let doc: ExchangeDocument;
  let workbook: Buffer;
  let mosson: number;
  const referential = () => readReferential(a.db);
  const storedTargets = () => a.db.prepare('SELECT qrr_id, indicator_code, initial_value, initial_date, target_value, target_deadline FROM indicator_target ORDER BY 1, 2').all();

  beforeAll(async () => {
    a = await openCore();
    expect((await a.dispatch('saveSettings', { departementCode: '34', prefetName: '', coordinatorName: 'Camille' })).ok).toBe(true);
    ctx = { db: a.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
    const idOf = (r: unknown) => (r as { ok: true; value: { id: number } }).value.id;
    mosson = idOf(await a.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'], securityZone: 'police' }));
    const lunel = idOf(await a.dispatch('createQrr', { name: 'QRR Lunel', communes: ['34145'], securityZone: 'gendarmerie' }));
    openPeriod(ctx, '2026-T2');
    openPeriod(ctx, '2026-T3');
    saveIndicatorValues(ctx, '2026-T2', [{ qrrId: mosson, indicatorCode: '04-01', value: { count: 40 } }]);
    saveSansObjet(ctx, { qrrId: mosson, itemType: 'indicator', code: '02-03', sansObjet: true, reason: FORMULA_REASON });
    saveSansObjet(ctx, { qrrId: lunel, itemType: 'indicator', code: '08-02', sansObjet: false, reason: 'Un délégué est installé malgré la zone.' });
    saveSansObjet(ctx, { qrrId: lunel, itemType: 'action', code: '04-02', sansObjet: true, reason: 'Internat départemental.' });
    saveTarget(ctx, { qrrId: mosson, indicatorCode: '01-03', initialValue: 10.5, initialDate: '2025-12-31', targetValue: 20, targetDeadline: '2027-06-30' });
    const proposal = listTargets(ctx).find((t) => t.qrrId === mosson && t.indicatorCode === '04-01')!;
    saveTarget(ctx, { qrrId: mosson, indicatorCode: '04-01', initialValue: proposal.initialValue, initialDate: proposal.initialDate, targetValue: 80, targetDeadline: proposal.targetDeadline });
    // A cleared target (every figure and date removed) is a stored target too.
    saveTarget(ctx, { qrrId: lunel, indicatorCode: '01-03', initialValue: null, initialDate: null, targetValue: null, targetDeadline: null });
    saveAssessment(ctx, '2026-T2', { qrrId: mosson, engagementCode: '07', meteo: 'couvert', obstacles: 'Le bailleur tarde.', successes: 'Quarante jeunes en emploi.' });
    saveAssessment(ctx, '2026-T3', { qrrId: lunel, engagementCode: '08', nextSteps: FORMULA_COMMENT });
    doc = exportExchange(ctx);
    workbook = await exchangeToWorkbook(doc, referential());
  });
  afterAll(() => a?.close());

  it('writes « Cibles », « Sans objet » and the typed comments, as typed cells and texts (never formulas), and reads them back exactly', async () => {
    expect(doc.results!.targets).toHaveLength(3);
    expect(doc.results!.sansObjet).toHaveLength(3);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(workbook as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Lisez-moi', 'Indicateurs', 'Actions', 'Appréciations', 'Enveloppes', 'Subventions', 'Versements', 'Cibles', 'Sans objet', '_qrr']);

    const targets = sheetOf(wb, 'Cibles');
    const t0103 = rowWhere(targets, (r) => r.c === '01-03' && r.q === 1);
    expect(t0103.getCell(column(targets, 'Quartier')).value).toBe('QRR Mosson');
    expect(t0103.getCell(column(targets, 'Valeur initiale')).value).toBe(10.5);
    expect(t0103.getCell(column(targets, 'Valeur initiale au')).value).toEqual(new Date('2025-12-31T00:00:00Z'));
    expect(t0103.getCell(column(targets, 'Valeur initiale au')).numFmt).toBe('dd/mm/yyyy');
    expect(t0103.getCell(column(targets, 'Cible')).value).toBe(20);
    expect(t0103.getCell(column(targets, 'Échéance')).value).toEqual(new Date('2027-06-30T00:00:00Z'));
    expect(t0103.getCell(column(targets, 'Origine')).value).toBe('saisie');
    const cleared = rowWhere(targets, (r) => r.c === '01-03' && r.q === 2);
    expect(['Valeur initiale', 'Valeur initiale au', 'Cible', 'Échéance'].map((h) => cleared.getCell(column(targets, h)).value)).toEqual([null, null, null, null]);
    const t0401 = rowWhere(targets, (r) => r.c === '04-01');
    expect(t0401.getCell(column(targets, 'Origine')).value).toBe('circulaire');
    expect(String(t0401.getCell(column(targets, 'Formulation de la circulaire')).value)).toContain('en doublant');

    const sansObjet = sheetOf(wb, 'Sans objet');
    const s0203 = rowWhere(sansObjet, (r) => r.c === '02-03');
    expect(s0203.getCell(column(sansObjet, 'Type')).value).toBe('Indicateur');
    expect(s0203.getCell(column(sansObjet, 'Sans objet')).value).toBe('oui');
    expect(s0203.getCell(column(sansObjet, 'Sans objet')).dataValidation).toMatchObject({ type: 'list', formulae: ['"oui,non"'] });
    expect(s0203.getCell(column(sansObjet, 'Motif')).value).toBe(FORMULA_REASON);
    expect(rowWhere(sansObjet, (r) => r.c === '08-02').getCell(column(sansObjet, 'Sans objet')).value).toBe('non');
    expect(rowWhere(sansObjet, (r) => r.c === '04-02').getCell(column(sansObjet, 'Type')).value).toBe('Action');

    const assessments = sheetOf(wb, 'Appréciations');
    const a07 = rowWhere(assessments, (r) => r.c === '07' && r.p === '2026-T2' && r.q === 1);
    expect(a07.getCell(column(assessments, 'Freins')).value).toBe('Le bailleur tarde.');
    expect(a07.getCell(column(assessments, 'Réussites')).value).toBe('Quarante jeunes en emploi.');
    expect(a07.getCell(column(assessments, 'Actions à venir')).value).toBeNull();
    expect(rowWhere(assessments, (r) => r.c === '08' && r.p === '2026-T3' && r.q === 2).getCell(column(assessments, 'Actions à venir')).value).toBe(FORMULA_COMMENT);

    // Spreadsheet injection: the texts are string cells, no sheet holds a formula.
    const files = unzipSync(workbook);
    for (const [name, data] of Object.entries(files)) if (/^xl\/worksheets\/.*\.xml$/.test(name)) expect(strFromU8(data)).not.toMatch(/<f>|<f /);
    const shared = strFromU8(files['xl/sharedStrings.xml']!);
    expect(shared).toContain('=HYPERLINK(&quot;http://exemple.invalid&quot;,&quot;x&quot;)');
    expect(shared).toContain(FORMULA_COMMENT);

    // Layout 2: an older application refuses the workbook rather than dropping the results.
    const identity = sheetOf(wb, '_qrr');
    let version: unknown;
    identity.eachRow((row) => {
      if (row.getCell(1).value === 'version') version = row.getCell(2).value;
    });
    expect(version).toBe('2');
    expect(await exchangeFromWorkbook(workbook, referential())).toEqual(doc);
  });

  it('a target and a decision edited in the workbook are the preview’s only conflicts; applied, they are written and audited', async () => {
    const edited = await edit(workbook, (wb) => {
      const targets = sheetOf(wb, 'Cibles');
      // Typed as text, the French way.
      rowWhere(targets, (r) => r.c === '01-03' && r.q === 1).getCell(column(targets, 'Cible')).value = '25,5';
      // Emptied cells are « nothing entered »: the import never erases (this target is left as it is).
      const emptied = rowWhere(targets, (r) => r.c === '04-01');
      for (const h of ['Valeur initiale', 'Valeur initiale au', 'Cible', 'Échéance']) emptied.getCell(column(targets, h)).value = null;
      const sansObjet = sheetOf(wb, 'Sans objet');
      const row = rowWhere(sansObjet, (r) => r.c === '04-02');
      row.getCell(column(sansObjet, 'Motif')).value = 'Internat à Montpellier.';
    });
    const incoming = await exchangeFromWorkbook(edited, referential());
    const lines = previewImport(ctx, incoming, geography).lines;
    expect(lines.filter((l) => l.kind === 'conflict').map((l) => `${l.table}|${l.code}`).sort()).toEqual(['indicator_target|01-03', 'sans_objet|action:04-02']);
    expect(lines.find((l) => l.table === 'indicator_target' && l.code === '01-03')).toMatchObject({
      mine: { value: { targetValue: 20 } },
      theirs: { value: { initialValue: 10.5, initialDate: '2025-12-31', targetValue: 25.5, targetDeadline: '2027-06-30' } },
    });
    expect(lines.filter(isResultsLine).filter((l) => l.kind !== 'conflict').every((l) => l.kind === 'identical')).toBe(true);
    expect([...lines].some((l) => l.table === 'indicator_target' && l.code === '04-01')).toBe(false);
    expect(lines.filter((l) => l.table === 'indicator_target' && l.code === '01-03').map((l) => l.kind).sort()).toEqual(['conflict', 'identical']);

    const applied = await a.dispatch('applyExchange', { ...asFile('qrr-34-tout.xlsx', edited), defaultChoice: 'theirs' });
    if (!applied.ok) throw new Error(applied.error.message);
    expect(a.db.prepare("SELECT target_value FROM indicator_target WHERE qrr_id = ? AND indicator_code = '01-03'").pluck().get(mosson)).toBe(25.5);
    expect(a.db.prepare("SELECT target_value FROM indicator_target WHERE qrr_id = ? AND indicator_code = '04-01'").pluck().get(mosson)).toBe(80);
    expect(a.db.prepare("SELECT reason FROM sans_objet WHERE item_type = 'action' AND code = '04-02'").pluck().get()).toBe('Internat à Montpellier.');
    const origins = a.db.prepare("SELECT DISTINCT origin FROM audit_log WHERE entity IN ('sans_objet', 'indicator_target') AND origin LIKE 'import:%'").pluck().all();
    expect(origins).toEqual(['import:qrr-34-tout.xlsx']);
    // The same workbook again: nothing left to change.
    const again = previewImport(ctx, incoming, geography);
    expect(again.lines.filter(isResultsLine).every((l) => l.kind === 'identical')).toBe(true);
    // Back to the state of the other tests.
    saveTarget(ctx, { qrrId: mosson, indicatorCode: '01-03', initialValue: 10.5, initialDate: '2025-12-31', targetValue: 20, targetDeadline: '2027-06-30' });
  });

  it('a value that is not a number is refused with its sheet, row, column and reason; nothing is written', async () => {
    const before = storedTargets();
    const auditBefore = a.db.prepare('SELECT count(*) FROM audit_log').pluck().get();
    let rowNumber = 0;
    const edited = await edit(workbook, (wb) => {
      const targets = sheetOf(wb, 'Cibles');
      const row = rowWhere(targets, (r) => r.c === '01-03' && r.q === 1);
      rowNumber = row.number;
      row.getCell(column(targets, 'Cible')).value = 'douze';
    });
    const expected = `Le classeur ne peut pas être importé. Feuille « Cibles », ligne ${rowNumber}, colonne G (« Cible ») : « douze » n'est pas un nombre.`;
    await expect(exchangeFromWorkbook(edited, referential())).rejects.toMatchObject({ code: 'VALIDATION', message: expected });
    expect(await a.dispatch('previewExchange', asFile('classeur.xlsx', edited))).toMatchObject({ ok: false, error: { message: expected } });
    expect(await a.dispatch('applyExchange', { ...asFile('classeur.xlsx', edited), defaultChoice: 'theirs' })).toMatchObject({ ok: false, error: { message: expected } });
    expect(storedTargets()).toEqual(before);
    expect(a.db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(auditBefore);
  });

  it('a deadline before its baseline’s date is refused by the services’ own rule in the preview; the import is refused, nothing written', async () => {
    const before = storedTargets();
    const edited = await edit(workbook, (wb) => {
      const targets = sheetOf(wb, 'Cibles');
      rowWhere(targets, (r) => r.c === '01-03' && r.q === 1).getCell(column(targets, 'Échéance')).value = '01/01/2020';
    });
    const incoming = await exchangeFromWorkbook(edited, referential());
    expect(previewImport(ctx, incoming, geography).lines.find((l) => l.table === 'indicator_target' && l.code === '01-03')).toMatchObject({
      kind: 'refused',
      refusedReason: "L'échéance de la cible doit suivre la date de la valeur initiale.",
    });
    // As for a .qrr file: the import is refused as a whole with the first reason, nothing written.
    const auditBefore = a.db.prepare('SELECT count(*) FROM audit_log').pluck().get();
    expect(await a.dispatch('applyExchange', { ...asFile('classeur.xlsx', edited), defaultChoice: 'theirs' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^1 donnée du fichier est refusée par l'application ; rien n'a été importé\. Première raison : L'échéance de la cible doit suivre la date de la valeur initiale\./) },
    });
    expect(storedTargets()).toEqual(before);
    expect(a.db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(auditBefore);
  });

  it('other refusals in French: a « Sans objet » cell outside its list, a reason without a decision, an edited code', async () => {
    const edited = await edit(workbook, (wb) => {
      const sansObjet = sheetOf(wb, 'Sans objet');
      rowWhere(sansObjet, (r) => r.c === '02-03').getCell(column(sansObjet, 'Sans objet')).value = 'peut-être';
      const lifted = rowWhere(sansObjet, (r) => r.c === '08-02');
      lifted.getCell(column(sansObjet, 'Sans objet')).value = null;
      const targets = sheetOf(wb, 'Cibles');
      rowWhere(targets, (r) => r.c === '04-01').getCell(column(targets, 'Code')).value = '04-02';
    });
    const refusal = await exchangeFromWorkbook(edited, referential()).then(
      () => null,
      (error: unknown) => error as DomainError,
    );
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal!.message).toMatch(/^Le classeur ne peut pas être importé \(3 erreurs\)\. Feuille « Cibles », ligne \d+ : les colonnes grises d'identification ont été modifiées \(« Code » devait contenir « 04-01 »\)/);
    expect(refusal!.message).toContain('colonne F (« Sans objet ») : « peut-être » n’est pas une valeur de la liste (oui, non).');
    expect(refusal!.message).toContain('colonne F (« Sans objet ») : indiquez « oui » (sans objet) ou « non » (à suivre) à côté de ce motif.');
  });

  it('a workbook from before (no « Cibles », no « Sans objet », no typed comments: layout 1) still imports, without results', async () => {
    const older = await edit(workbook, (wb) => {
      wb.removeWorksheet(sheetOf(wb, 'Cibles').id);
      wb.removeWorksheet(sheetOf(wb, 'Sans objet').id);
      const assessments = sheetOf(wb, 'Appréciations');
      for (const header of ['Freins', 'Actions à venir', 'Réussites']) assessments.spliceColumns(column(assessments, header), 1);
      sheetOf(wb, '_qrr').eachRow((row) => {
        if (row.getCell(1).value === 'version') row.getCell(2).value = '1';
      });
    });
    const back = await exchangeFromWorkbook(older, referential());
    expect(back).not.toHaveProperty('results');
    expect(back).not.toHaveProperty('minorVersion');
    expect(back.assessments.some((x) => x.obstacles !== undefined || x.nextSteps !== undefined || x.successes !== undefined)).toBe(false);
    const { sha256: _h, minorVersion: _m, results: _r, ...rest } = doc;
    const { sha256: _h2, ...content } = back;
    expect(content).toEqual({ ...rest, assessments: rest.assessments.map(({ obstacles: _o, nextSteps: _n, successes: _s, ...x }) => x) });
    const preview = previewImport(ctx, back, geography);
    expect(preview.lines.filter(isResultsLine)).toEqual([]);
    expect(preview.counts).toMatchObject({ new: 0, conflict: 0, refused: 0 });
  });
});

if (!SOFFICE) console.info('exchange-xlsx-results: LibreOffice (soffice) is not installed here: the round trip through LibreOffice Calc is skipped.');

describe.skipIf(!SOFFICE)('results in a workbook saved again by LibreOffice Calc', () => {
  it('export → Calc → import: every results line « identique » here, and a second database receives the same results', async () => {
    const a = await openCore();
    const b = await openCore();
    try {
      for (const core of [a, b]) expect((await core.dispatch('saveSettings', { departementCode: '34', prefetName: '', coordinatorName: 'Camille' })).ok).toBe(true);
      const ctx: ServiceContext = { db: a.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
      const created = await a.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'], securityZone: 'police' });
      const mosson = (created as { ok: true; value: { id: number } }).value.id;
      openPeriod(ctx, '2026-T3');
      saveSansObjet(ctx, { qrrId: mosson, itemType: 'indicator', code: '02-03', sansObjet: true, reason: FORMULA_REASON });
      saveSansObjet(ctx, { qrrId: mosson, itemType: 'action', code: '10-05', sansObjet: true, reason: 'Action conduite à l’échelle du département.' });
      saveTarget(ctx, { qrrId: mosson, indicatorCode: '01-03', initialValue: 10.5, initialDate: '2025-12-31', targetValue: 20, targetDeadline: '2027-06-30' });
      saveAssessment(ctx, '2026-T3', { qrrId: mosson, engagementCode: '07', meteo: 'nuage', obstacles: 'Le bailleur tarde.', nextSteps: FORMULA_COMMENT, successes: 'Un chantier éducatif.' });
      const document = exportExchange(ctx);
      const resaved = resaveWithCalc(await exchangeToWorkbook(document, readReferential(a.db)));
      const back = await exchangeFromWorkbook(resaved, readReferential(a.db));
      const { sha256: _h, ...content } = back;
      const { sha256: _h2, ...expected } = document;
      expect(content).toEqual(expected);

      const here = previewImport(ctx, back, geography);
      expect(here.lines.filter(isResultsLine).map((l) => `${l.table}.${l.field}:${l.kind}`).sort()).toEqual([
        'assessment.nextSteps:identical',
        'assessment.obstacles:identical',
        'assessment.successes:identical',
        'indicator_target.target:identical',
        'sans_objet.decision:identical',
        'sans_objet.decision:identical',
      ]);
      expect(here.counts).toMatchObject({ new: 0, conflict: 0, refused: 0 });

      const applied = await b.dispatch('applyExchange', { ...asFile('qrr-34-tout.xlsx', resaved), defaultChoice: 'theirs' });
      if (!applied.ok) throw new Error(applied.error.message);
      expect(b.db.prepare('SELECT indicator_code, initial_value, initial_date, target_value, target_deadline FROM indicator_target').all()).toEqual([
        { indicator_code: '01-03', initial_value: 10.5, initial_date: '2025-12-31', target_value: 20, target_deadline: '2027-06-30' },
      ]);
      expect(b.db.prepare('SELECT item_type, code, applies, reason FROM sans_objet ORDER BY 1, 2').all()).toEqual([
        { item_type: 'action', code: '10-05', applies: 1, reason: 'Action conduite à l’échelle du département.' },
        { item_type: 'indicator', code: '02-03', applies: 1, reason: FORMULA_REASON },
      ]);
      expect(b.db.prepare("SELECT obstacles, next_steps, successes FROM assessment WHERE engagement_code = '07'").get()).toEqual({
        obstacles: 'Le bailleur tarde.',
        next_steps: FORMULA_COMMENT,
        successes: 'Un chantier éducatif.',
      });
    } finally {
      a.close();
      b.close();
    }
  }, 240_000);
});
