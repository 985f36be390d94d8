import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { Zip, ZipDeflate, ZipPassThrough, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../electron/services/context';
import { exportExchange } from '../../electron/services/exchange/export';
import { previewImport } from '../../electron/services/exchange/preview';
import { createGeography } from '../../electron/services/geography';
import { COMMUNES_FILE } from '../support/paths';
import {
  DEFAULT_WORKBOOK_LIMITS,
  WORKBOOK_MESSAGES,
  exchangeFromWorkbook,
  exchangeToWorkbook,
  unpackWorkbook,
} from '../../electron/services/exchange/xlsx';
import { saveActionStatuses, saveIndicatorValues } from '../../electron/services/followup';
import { readReferential } from '../../electron/services/referential';
import type { ExchangeDocument } from '../../shared/exchange/format';
import type { ResponseOf } from '../../shared/ipc/contract';
import { DomainError, type Result } from '../../shared/ipc/result';
import { SOFFICE, column, edit, resaveWithCalc, rowWhere, sheetOf } from '../support/workbook';
import { openCore, steppingClock } from '../support/db';
import { addCredits } from '../support/fipd';

type Core = Awaited<ReturnType<typeof openCore>>;


const geography = createGeography(COMMUNES_FILE);
const TRICKY_COMMENT = 'Ligne 1\r\nLigne 2 _x0041_ \u0001 fin';

async function refusalOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION');
    return error as DomainError;
  }
  throw new Error('the workbook was accepted');
}

/** A zip of one entry of `megabytes` Mo of zeros (deflated chunk by chunk: the test never holds it whole) and an xl/workbook.xml. */
function zerosZip(megabytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, data) => {
    if (error) throw error;
    parts.push(data);
  });
  const big = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 1 });
  zip.add(big);
  const zeros = new Uint8Array(1024 * 1024);
  for (let i = 0; i < megabytes; i++) big.push(zeros, i === megabytes - 1);
  const workbookXml = new ZipPassThrough('xl/workbook.xml');
  zip.add(workbookXml);
  workbookXml.push(strToU8('<workbook/>'), true);
  zip.end();
  return Buffer.concat(parts);
}

/** Rewrites, in the central directory, the uncompressed size declared for `name`: the lie a crafted zip bomb tells. */
function declareSize(zipBytes: Uint8Array, name: string, size: number): Uint8Array {
  const bytes = Uint8Array.from(zipBytes);
  const view = new DataView(bytes.buffer);
  for (let o = 0; o + 46 < bytes.length; o++) {
    if (view.getUint32(o, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(o + 28, true);
    if (Buffer.from(bytes.subarray(o + 46, o + 46 + nameLength)).toString('utf8') === name) {
      view.setUint32(o + 24, size, true);
      return bytes;
    }
  }
  throw new Error(`no central directory entry ${name}`);
}

let zeros200: Uint8Array | null = null;
/** The 200 Mo bomb, built once for the two tests that use it. */
const bomb200 = (): Uint8Array => (zeros200 ??= zerosZip(200));

describe('exchange workbook (.xlsx)', () => {
  let a: Core;
  let ctx: ServiceContext;
  let document: ExchangeDocument;
  let workbook: Buffer;
  /** One quarter only: a smaller workbook for the refusals. */
  let small: Buffer;
  const referential = () => readReferential(a.db);
  const read = (bytes: Uint8Array) => exchangeFromWorkbook(bytes, referential());

  beforeAll(async () => {
    a = await openCore();
    expect((await a.dispatch('installDemo', undefined)).ok).toBe(true);
    ctx = { db: a.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
    const qrrId = a.db.prepare('SELECT min(id) FROM qrr').pluck().get() as number;
    addCredits(ctx, qrrId);
    // Text that only survives with Excel's _xHHHH_ escaping: line breaks, a control character, a literal escape.
    saveActionStatuses(ctx, '2026-T4', [{ qrrId, actionCode: '01-01', comment: TRICKY_COMMENT }]);
    // 05-02 typed for the open quarter (no subsidy decided in it here): the only indicator with an amount part.
    saveIndicatorValues(ctx, '2026-T4', [{ qrrId, indicatorCode: '05-02', value: { count: 3, amountCents: 450_000 } }]);
    document = exportExchange(ctx);
    workbook = await exchangeToWorkbook(document, referential());
    small = await exchangeToWorkbook(exportExchange(ctx, { periods: ['2026-T4'] }), referential());
  });
  afterAll(() => a?.close());

  it('reads back exactly the exported document: indicators, actions, assessments, envelopes, subsidies and payments (hash included)', async () => {
    expect(document.indicatorValues.length).toBeGreaterThan(1000);
    expect(document.indicatorValues.some((v) => v.target !== null)).toBe(true);
    expect(document.actionStatuses.length).toBeGreaterThan(1000);
    expect(document.assessments.length).toBeGreaterThan(100);
    expect(document.fipdEnvelopes).toHaveLength(1);
    expect(document.subsidies).toHaveLength(3);
    expect(document.subsidies.flatMap((s) => s.payments)).toHaveLength(2);
    expect(document.actionStatuses.filter((s) => s.comment === TRICKY_COMMENT)).toHaveLength(1);
    expect(await read(workbook)).toEqual(document);
  });

  it('is laid out for coordinators: French sheets, typed cells, lists, grey protected identification, hidden reference and identification sheet', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(workbook as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Lisez-moi', 'Indicateurs', 'Actions', 'Appréciations', 'Enveloppes', 'Subventions', 'Versements', 'Cibles', 'Sans objet', '_qrr']);
    expect(sheetOf(wb, '_qrr').state).toBe('veryHidden');
    expect(sheetOf(wb, 'Lisez-moi').getCell('A1').value).toBe("Tableau de bord QRR — classeur d'échange");

    const indicators = sheetOf(wb, 'Indicateurs');
    expect(indicators.getColumn(1).hidden).toBe(true);
    expect(indicators.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const nord = document.qrrs[0]!;
    const row0502 = rowWhere(indicators, (r) => r.c === '05-02' && r.p === '2025-T1' && r.q === 1);
    const v0502 = document.indicatorValues.find((v) => v.indicatorCode === '05-02' && v.periodCode === '2025-T1' && v.qrrKey === nord.key)!;
    expect(row0502.getCell(column(indicators, 'Quartier')).value).toBe(nord.name);
    expect(row0502.getCell(column(indicators, 'Champ 2')).value).toBe('Montant (€)');
    expect(row0502.getCell(column(indicators, 'Valeur 2')).value).toBe((v0502.value!.amountCents as number) / 100);
    expect(row0502.getCell(column(indicators, 'Valeur 2')).numFmt).toBe('#,##0.00 "€"');
    expect(row0502.getCell(column(indicators, 'Valeur 1')).value).toBe(v0502.value!.count);
    // Identification grey and locked; values editable; a slot the indicator does not have, grey.
    // (« locked » is Excel's default: exceljs reads it back as no protection entry.)
    const locked = (cell: ExcelJS.Cell): boolean => cell.protection?.locked ?? true;
    expect(locked(row0502.getCell(column(indicators, 'Quartier')))).toBe(true);
    expect(locked(row0502.getCell(column(indicators, 'Valeur 1')))).toBe(false);
    expect(locked(row0502.getCell(column(indicators, 'Valeur 3')))).toBe(true);
    expect((indicators as unknown as { sheetProtection: unknown }).sheetProtection).toMatchObject({ sheet: true });
    const progress = rowWhere(indicators, (r) => r.c === '02-01');
    expect(progress.getCell(column(indicators, 'Valeur 1')).dataValidation).toMatchObject({ type: 'list', formulae: ['"Non engagé,En cours,Réalisé"'] });

    const actions = sheetOf(wb, 'Actions');
    const status = actions.getRow(2).getCell(column(actions, 'Statut'));
    expect(['Non engagée', 'En cours', 'Réalisée', 'Sans objet', null]).toContain(status.value);
    expect(status.dataValidation).toMatchObject({ type: 'list', formulae: ['"Non engagée,En cours,Réalisée,Sans objet"'] });

    const subsidies = sheetOf(wb, 'Subventions');
    const paid = rowWhere(subsidies, (_r, row) => row.getCell(column(subsidies, 'Intitulé')).value === 'Aide aux devoirs');
    expect(paid.getCell(column(subsidies, 'Attribué (€)')).value).toBe(25_000);
    expect(paid.getCell(column(subsidies, 'Date de décision')).value).toEqual(new Date('2026-03-02T00:00:00Z'));
    expect(paid.getCell(column(subsidies, 'Date de décision')).numFmt).toBe('dd/mm/yyyy');
    expect(paid.getCell(column(subsidies, 'Statut')).value).toBe('Soldée');
    expect(paid.getCell(column(subsidies, 'SIRET')).value).toBe('732 829 320 00074');
    expect(JSON.parse(paid.getCell(1).value as string)).toMatchObject({ u: document.subsidies.find((s) => s.title === 'Aide aux devoirs')!.uid });
    const payments = sheetOf(wb, 'Versements');
    expect(payments.rowCount).toBe(3);
    expect(locked(payments.getRow(2).getCell(column(payments, 'Montant (€)')))).toBe(true);
    expect(locked(paid.getCell(column(subsidies, 'Attribué (€)')))).toBe(false);
  });

  it('carries the cells edited in the workbook, and the preview against the original database shows exactly those as conflicts', async () => {
    const nord = document.qrrs[0]!;
    const v0502 = document.indicatorValues.find((v) => v.indicatorCode === '05-02' && v.periodCode === '2026-T4' && v.qrrKey === nord.key);
    expect(v0502?.value?.amountCents).toEqual(expect.any(Number));
    expect(v0502!.value!.amountCents).not.toBe(123_450);
    const action = document.actionStatuses.find((s) => s.periodCode === '2026-T4' && s.qrrKey === nord.key && s.status !== 'realisee')!;
    const aide = document.subsidies.find((s) => s.title === 'Aide aux devoirs')!;

    const edited = await edit(workbook, (wb) => {
      const indicators = sheetOf(wb, 'Indicateurs');
      // Typed as text, the French way, as a coordinator would in a cell formatted as text.
      rowWhere(indicators, (r) => r.c === '05-02' && r.p === '2026-T4' && r.q === 1).getCell(column(indicators, 'Valeur 2')).value = '1 234,5';
      const actions = sheetOf(wb, 'Actions');
      rowWhere(actions, (r) => r.c === action.actionCode && r.p === '2026-T4' && r.q === 1).getCell(column(actions, 'Statut')).value = 'réalisée';
      const subsidies = sheetOf(wb, 'Subventions');
      rowWhere(subsidies, (r) => r.u === aide.uid).getCell(column(subsidies, 'Attribué (€)')).value = 26_000;
    });
    const incoming = await read(edited);

    const expected = structuredClone(document);
    expected.indicatorValues.find((v) => v.indicatorCode === '05-02' && v.periodCode === '2026-T4' && v.qrrKey === nord.key)!.value!.amountCents = 123_450;
    expected.actionStatuses.find((s) => s.actionCode === action.actionCode && s.periodCode === '2026-T4' && s.qrrKey === nord.key)!.status = 'realisee';
    expected.subsidies.find((s) => s.uid === aide.uid)!.grantedCents = 2_600_000;
    expect({ ...incoming, sha256: '' }).toEqual({ ...expected, sha256: '' });
    expect(incoming.sha256).not.toBe(document.sha256);

    const preview = previewImport(ctx, incoming, geography);
    const conflicts = preview.lines.filter((l) => l.kind === 'conflict');
    expect(conflicts.map((l) => l.key).sort()).toEqual(
      [`indicator_value|${nord.key}|05-02|2026-T4|value`, `action_status|${nord.key}|${action.actionCode}|2026-T4|status`].sort(),
    );
    expect(preview.counts).toMatchObject({ new: 0, locked: 0, conflict: 2, refused: 1 });
    // 26 000 € granted goes beyond the QRR's envelope: the apply would refuse it, so the preview says so, with the FIPD rule's words.
    expect(preview.lines.find((l) => l.kind === 'refused')).toMatchObject({
      key: `subsidy|${nord.key}|${aide.uid}|2026|grantedCents`,
      mine: { value: 2_500_000 },
      theirs: { value: 2_600_000 },
      refusedReason: expect.stringMatching(/au-delà de l'enveloppe FIPD/),
    });
    expect(conflicts.find((l) => l.table === 'action_status')).toMatchObject({ mine: { value: action.status }, theirs: { value: 'realisee' } });
  });

  it('imports through the screen’s own requests: preview from the bytes, apply with « take theirs », audited; a zip bomb changes nothing', async () => {
    const aide = document.subsidies.find((s) => s.title === 'Aide aux devoirs')!;
    const edited = await edit(small, (wb) => {
      const subsidies = sheetOf(wb, 'Subventions');
      rowWhere(subsidies, (r) => r.u === aide.uid).getCell(column(subsidies, 'Demandé (€)')).value = 31_000.5;
    });
    const file = { fileName: 'qrr-93-2026-T4.xlsx', contentBase64: Buffer.from(edited).toString('base64') };
    const preview = await a.dispatch('previewExchange', file);
    expect(preview).toMatchObject({ ok: true, value: { source: { kind: 'xlsx' }, counts: { conflict: 1, new: 0 } } });
    const applied = await a.dispatch('applyExchange', { ...file, defaultChoice: 'theirs' });
    if (!applied.ok) throw new Error(JSON.stringify(applied.error));
    expect(applied).toMatchObject({ ok: true, value: { applied: { theirs: 1 }, fipd: { subsidiesUpdated: 1 } } });
    expect(a.db.prepare('SELECT requested_cents FROM subsidy WHERE uid = ?').pluck().get(aide.uid)).toBe(3_100_050);
    expect(a.db.prepare(`SELECT origin FROM audit_log WHERE entity = 'subsidy' ORDER BY id DESC LIMIT 1`).pluck().get()).toBe('import:qrr-93-2026-T4.xlsx');

    a.db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = fs.readFileSync(a.databasePath);
    const bomb = { fileName: 'classeur.xlsx', contentBase64: Buffer.from(bomb200()).toString('base64') };
    expect(await a.dispatch('previewExchange', bomb)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Une fois décompressé, ce classeur occuperait 200 Mo/) } });
    expect(await a.dispatch('applyExchange', { ...bomb, defaultChoice: 'theirs' })).toMatchObject({ ok: false });
    a.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.readFileSync(a.databasePath).equals(bytes)).toBe(true);
  });

  it('is written by the exportExchange channel as qrr-<département>-<scope>.xlsx when asked, .qrr otherwise', async () => {
    type Exported = Result<ResponseOf<'exportExchange'>>;
    const asked = (await a.dispatch('exportExchange', { periods: ['2026-T4'], format: 'xlsx' })) as Exported;
    if (!asked.ok) throw new Error(asked.error.message);
    expect(asked.value.fileName).toBe('qrr-93-2026-T4.xlsx');
    expect(path.dirname(asked.value.path)).toBe(path.join(a.dir, 'exports'));
    const back = await read(fs.readFileSync(asked.value.path));
    const direct = exportExchange(ctx, { periods: ['2026-T4'] });
    const { exportedAt: _at, sha256: _h, sender: _s, ...content } = back;
    const { exportedAt: _at2, sha256: _h2, sender: _s2, ...expected } = direct;
    expect(content).toEqual(expected);

    const plain = (await a.dispatch('exportExchange', { periods: ['2026-T4'] })) as Exported;
    expect(plain.ok && plain.value.fileName).toBe('qrr-93-2026-T4.qrr');
    const wrong = await a.dispatch('exportExchange', { format: 'ods' } as never);
    expect(!wrong.ok && wrong.error.message).toContain("Format d'export inconnu");
  });

  describe('refusals, in French', () => {
    it('random bytes, or a zip that is not a workbook', async () => {
      const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251);
      expect((await refusalOf(read(random))).message).toBe(WORKBOOK_MESSAGES.notXlsx);
      const truncated = workbook.subarray(0, 2000);
      expect((await refusalOf(read(truncated))).message).toBe(WORKBOOK_MESSAGES.notXlsx);
      const otherZip = zipSync({ 'notes.txt': strToU8('bonjour') });
      expect((await refusalOf(read(otherZip))).message).toBe(WORKBOOK_MESSAGES.notXlsx);
    });

    it('a real workbook that the application did not produce', async () => {
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('Feuil1').addRow(['Quartier', 'Trimestre', 'Valeur']);
      const foreign = Buffer.from(await wb.xlsx.writeBuffer());
      const refusal = await refusalOf(read(foreign));
      expect(refusal.message).toBe(WORKBOOK_MESSAGES.notOurs);
      expect(refusal.message).toMatch(/^Ce classeur n'a pas été produit par le Tableau de bord QRR/);
      // A sheet named like ours is not enough.
      const lookalike = await edit(foreign, (w) => w.addWorksheet('_qrr').addRow(['format', '"autre-chose"']));
      expect((await refusalOf(read(lookalike))).message).toBe(WORKBOOK_MESSAGES.notOurs);
    });

    it('a workbook from a newer version of the application', async () => {
      const newer = await edit(small, (wb) => {
        const identity = sheetOf(wb, '_qrr');
        identity.eachRow((row) => {
          if (row.getCell(1).value === 'version') row.getCell(2).value = '3';
        });
      });
      expect((await refusalOf(read(newer))).message).toBe(WORKBOOK_MESSAGES.newer);
    });

    it('a zip bomb declaring 200 Mo: refused from the central directory, nothing inflated', async () => {
      const bomb = bomb200();
      expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
      const unpacked = unpackWorkbook(bomb);
      expect(unpacked).toEqual({ ok: false, message: WORKBOOK_MESSAGES.tooBigInflated(200 * 1024 * 1024 + 11, DEFAULT_WORKBOOK_LIMITS.maxUncompressedBytes), inflatedBytes: 0 });
      expect((await refusalOf(read(bomb))).message).toMatch(/^Une fois décompressé, ce classeur occuperait 200 Mo, au-delà de la limite de 100 Mo/);
    });

    it('a zip bomb lying about its sizes: inflating stops at the declared size, far from the 200 Mo', async () => {
      const liar = declareSize(bomb200(), 'xl/worksheets/sheet1.xml', 4096);
      const listed: number[] = [];
      unzipSync(liar, { filter: (f) => (listed.push(f.originalSize), false) });
      expect(listed).toEqual([4096, 11]);
      const unpacked = unpackWorkbook(liar);
      expect(unpacked.ok).toBe(false);
      if (unpacked.ok) return;
      expect(unpacked.message).toBe(WORKBOOK_MESSAGES.lyingEntry('xl/worksheets/sheet1.xml'));
      // At most one step of the inflater beyond the declared 4 Kio (16 Kio of input inflate to ~16 Mo of zeros).
      expect(unpacked.inflatedBytes).toBeGreaterThan(4096);
      expect(unpacked.inflatedBytes).toBeLessThan(20 * 1024 * 1024);
      expect((await refusalOf(read(liar))).message).toBe(WORKBOOK_MESSAGES.lyingEntry('xl/worksheets/sheet1.xml'));
      // And the real total is capped even when every declared size is within the limit.
      const tight = unpackWorkbook(zerosZip(3), { ...DEFAULT_WORKBOOK_LIMITS, maxUncompressedBytes: 4 * 1024 * 1024 });
      expect(tight.ok).toBe(true);
    });

    it('too many files inside the zip', async () => {
      const files: Record<string, Uint8Array> = { 'xl/workbook.xml': strToU8('<workbook/>') };
      for (let i = 0; i < 600; i++) files[`xl/media/image${i}.png`] = new Uint8Array(1);
      expect((await refusalOf(read(zipSync(files)))).message).toBe(WORKBOOK_MESSAGES.tooManyEntries(500));
    });

    it('an unknown action code', async () => {
      const unknown = await edit(small, (wb) => {
        const actions = sheetOf(wb, 'Actions');
        const row = actions.getRow(2);
        const ref = JSON.parse(row.getCell(1).value as string) as Record<string, unknown>;
        row.getCell(1).value = JSON.stringify({ ...ref, c: '99-99' });
        row.getCell(column(actions, 'Code')).value = '99-99';
      });
      const refusal = await refusalOf(read(unknown));
      expect(refusal.message).toBe(
        'Le classeur ne peut pas être importé. Feuille « Actions » : action(s) inconnu(s) du référentiel de cette application : « 99-99 » (ligne 2). ' +
          "Mettez l'application à jour ou reprenez un classeur exporté par l'application.",
      );
    });

    it('cells that cannot be read — a bad number, a status not in the list, a date that is not one — each named by sheet, row and column', async () => {
      let numberRow = 0;
      let statusRow = 0;
      let dateRow = 0;
      const bad = await edit(small, (wb) => {
        const indicators = sheetOf(wb, 'Indicateurs');
        const count = rowWhere(indicators, (r) => r.c === '01-02');
        count.getCell(column(indicators, 'Valeur 1')).value = '12,5';
        numberRow = count.number;
        const actions = sheetOf(wb, 'Actions');
        actions.getRow(3).getCell(column(actions, 'Statut')).value = 'Finie';
        statusRow = 3;
        const subsidies = sheetOf(wb, 'Subventions');
        subsidies.getRow(2).getCell(column(subsidies, 'Date de décision')).value = 'demain';
        dateRow = 2;
      });
      const refusal = await refusalOf(read(bad));
      expect(refusal.message).toBe(
        'Le classeur ne peut pas être importé (3 erreurs). ' +
          `Feuille « Indicateurs », ligne ${numberRow}, colonne G (« Valeur 1 ») : « 12,5 » : un nombre entier est attendu (sans virgule). ` +
          `Feuille « Actions », ligne ${statusRow}, colonne F (« Statut ») : « Finie » n’est pas une valeur de la liste (Non engagée, En cours, Réalisée, Sans objet). ` +
          `Feuille « Subventions », ligne ${dateRow}, colonne P (« Date de décision ») : « demain » n’est pas une date : tapez-la au format jj/mm/aaaa (par exemple 24/06/2021).`,
      );
      expect(refusal.issues?.map((i) => i.path)).toEqual([`Indicateurs!G${numberRow}`, `Actions!F${statusRow}`, `Subventions!P${dateRow}`]);
    });

    it('an edited identification column, a row added by hand, a copied row, a value in a slot the indicator does not have', async () => {
      let slotRow = 0;
      const changed = await edit(small, (wb) => {
        const actions = sheetOf(wb, 'Actions');
        actions.getRow(2).getCell(column(actions, 'Quartier')).value = 'Autre quartier';
        const added = actions.addRow([]);
        added.getCell(column(actions, 'Quartier')).value = 'QRR Nord (démonstration)';
        added.getCell(column(actions, 'Code')).value = '01-01';
        added.getCell(column(actions, 'Statut')).value = 'En cours';
        const assessments = sheetOf(wb, 'Appréciations');
        const copy = assessments.addRow([]);
        copy.getCell(1).value = assessments.getRow(2).getCell(1).value;
        copy.getCell(column(assessments, 'Météo')).value = 'Soleil';
        const indicators = sheetOf(wb, 'Indicateurs');
        const single = rowWhere(indicators, (r) => r.c === '01-02');
        single.getCell(column(indicators, 'Valeur 3')).value = 4;
        slotRow = single.number;
      });
      const message = (await refusalOf(read(changed))).message;
      expect(message).toMatch(/^Le classeur ne peut pas être importé \(4 erreurs\)\./);
      expect(message).toContain(
        `Feuille « Indicateurs », ligne ${slotRow}, colonne M (« Valeur 3 ») : l'indicateur 01-02 n'a que 2 champ(s) : cette cellule grise doit rester vide.`,
      );
      expect(message).toContain(
        "Feuille « Actions », ligne 2 : les colonnes grises d'identification ont été modifiées (« Quartier » devait contenir « QRR Nord (démonstration) »).",
      );
      expect(message).toMatch(/Feuille « Actions », ligne \d+ : cette ligne n'a pas été exportée par l'application/);
      expect(message).toMatch(/Feuille « Appréciations », ligne \d+ : cette ligne reprend la ligne 2 \(même référence\)/);
      // In the order of the sheets and rows.
      expect(message.indexOf('« Actions », ligne 2 ')).toBeLessThan(message.indexOf("n'a pas été exportée"));
      expect(message.indexOf("n'a pas été exportée")).toBeLessThan(message.indexOf('« Appréciations »'));
    });

    it('survives ranges that would make exceljs create millions of cells (a validation and a merge over a whole sheet)', async () => {
      const files = unzipSync(small);
      const sheetXml = Buffer.from(files['xl/worksheets/sheet3.xml']!).toString('utf8');
      expect(sheetXml).toContain('<sheetData>');
      files['xl/worksheets/sheet3.xml'] = strToU8(
        sheetXml
          .replace('</sheetData>', '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
          .replace(/<dataValidations[\s\S]*?<\/dataValidations>/, '<dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="A1:XFD1048576"><formula1>"a,b"</formula1></dataValidation></dataValidations>'),
      );
      const widened = zipSync(files);
      const back = await read(widened);
      expect(back).toEqual(await read(small));
    });
  });
});

if (!SOFFICE) console.info('exchange-xlsx: LibreOffice (soffice) is not installed here: the round trip through LibreOffice Calc is skipped.');

describe.skipIf(!SOFFICE)('exchange workbook saved again by LibreOffice Calc', () => {
  it('reads back to the same document', async () => {
    const core = await openCore();
    try {
      expect((await core.dispatch('installDemo', undefined)).ok).toBe(true);
      const ctx: ServiceContext = { db: core.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
      const qrrId = core.db.prepare('SELECT min(id) FROM qrr').pluck().get() as number;
      addCredits(ctx, qrrId);
      saveActionStatuses(ctx, '2026-T4', [{ qrrId, actionCode: '01-01', comment: TRICKY_COMMENT }]);
      const document = exportExchange(ctx, { periods: ['2026-T3', '2026-T4'] });
      const resaved = resaveWithCalc(await exchangeToWorkbook(document, readReferential(core.db)));
      expect(document.actionStatuses.filter((s) => s.comment === TRICKY_COMMENT)).toHaveLength(1);
      // Calc keeps every character but one: a Windows line break (CR LF) in a cell becomes a plain line break.
      const expected = structuredClone(document);
      for (const s of expected.actionStatuses) s.comment = s.comment.replaceAll('\r\n', '\n');
      const { sha256: _resealed, ...back } = await exchangeFromWorkbook(resaved, readReferential(core.db));
      const { sha256: _original, ...content } = expected;
      expect(back).toEqual(content);
    } finally {
      core.close();
    }
  }, 240_000);
});
