/**
 * National consolidation on real files: the demonstration database (with FIPD
 * credits added) exported, rewritten as three départements and sealed again
 * (as three prefectures would send them), consolidated through the service,
 * the IPC channels and the CLI; the PDF read back with pdftotext. Nothing is
 * ever written to a database (snapshot before/after).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolidateFiles, parseConsolidationFiles, readExchangeFiles, writeNationalReport } from '../../electron/services/exchange-consolidation';
import { exportExchange } from '../../electron/services/exchange/export';
import { CONSOLIDATION_MARK, NATIONAL_TITLE } from '../../electron/services/report/national-pdf';
import type { NationalModel } from '../../shared/exchange/consolidate';
import { sealExchangeDocument, serializeExchangeDocument, type ExchangeDocument } from '../../shared/exchange/format';
import { formatEurosFromCents } from '../../shared/format/number-fr';
import { DomainError } from '../../shared/ipc/result';
import type { ReportModel } from '../../shared/report/report-model';
import { clearCredits } from '../support/fipd';
import { openCore, snapshot, steppingClock, tempDir } from '../support/db';
import { CLI_ENTRY, REPO_ROOT } from '../support/paths';

type Core = Awaited<ReturnType<typeof openCore>>;

/** The same export as another département would send it: rewritten, then sealed again so its hash is right. */
function asDepartement(doc: ExchangeDocument, code: string, nom: string, change: (d: Omit<ExchangeDocument, 'sha256'>) => Omit<ExchangeDocument, 'sha256'> = (d) => d): ExchangeDocument {
  const { sha256: _previous, ...rest } = doc;
  return sealExchangeDocument(change({ ...rest, departement: { code, nom } }));
}

const pdfText = (file: string): string => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
/** pdftotext keeps U+202F and U+00A0: one plain space for the comparisons. */
const spaces = (s: string): string => s.replace(/[\s\u00a0\u202f]+/g, ' ');

async function unwrap<T>(promise: Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>): Promise<T> {
  const r = await promise;
  if (!r.ok) throw new Error(r.error!.message);
  return r.value as T;
}

describe('national consolidation of three départements', () => {
  let core: Core;
  let dir: string;
  let paths: string[];
  let latest: string;
  let dashboard: ReportModel;
  const FIPD = { delegated: 123_456_789, granted: 45_000_00, paid: 12_345_67 };

  beforeAll(async () => {
    core = await openCore(tempDir(), { now: steppingClock('2026-11-26T09:00:00.000Z') });
    expect((await core.dispatch('installDemo', undefined)).ok).toBe(true);
    // A known set of credits instead of the demonstration's own.
    clearCredits(core.db);
    const qrrs = await unwrap<{ id: number }[]>(core.dispatch('listQrrs', { includeArchived: false }) as never);
    latest = (await unwrap<{ code: string }[]>(core.dispatch('listPeriods', undefined) as never)).map((p) => p.code).sort().at(-1)!;
    const year = Number(latest.slice(0, 4));
    // FIPD credits of the year: an envelope, a subsidy attribuée then partly paid.
    await unwrap(core.dispatch('setEnvelope', { qrrId: qrrs[0]!.id, budgetYear: year, source: 'fipd', amountCents: FIPD.delegated }) as never);
    const subsidy = await unwrap<{ id: number }>(
      core.dispatch('saveSubsidy', {
        budgetYear: year,
        qrrId: qrrs[0]!.id,
        source: 'fipd',
        beneficiaryName: 'Association des jeunes du quartier',
        title: 'Chantier éducatif',
        grantedCents: FIPD.granted,
        status: 'attribuee',
      }) as never,
    );
    await unwrap(core.dispatch('addPayment', { subsidyId: subsidy.id, paidOn: `${year}-06-15`, amountCents: FIPD.paid, kind: 'avance' }) as never);
    dashboard = await unwrap<ReportModel>(core.dispatch('getReportModel', { periodCode: latest }) as never);

    const exported = exportExchange({ db: core.db, now: () => new Date('2026-11-26T10:00:00.000Z'), osUser: 'coord', origin: 'test' });
    dir = tempDir('qrr-consolidation-');
    const docs: [string, ExchangeDocument][] = [
      ['qrr-93-tout.qrr', exported],
      ['qrr-13-tout.qrr', asDepartement(exported, '13', 'Bouches-du-Rhône', (d) => ({ ...d, periods: d.periods.map((p) => ({ ...p, state: 'transmitted' as const })) }))],
      ['qrr-2A-tout.qrr', asDepartement(exported, '2A', 'Corse-du-Sud', (d) => ({ ...d, sender: { name: 'Dominique Santoni', osUser: 'dsantoni' } }))],
    ];
    paths = docs.map(([name, doc]) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, serializeExchangeDocument(doc));
      return file;
    });
  }, 60_000);
  afterAll(() => core?.close());

  it('consolidates the files: each département as its own dashboard, national figures the sums', () => {
    const model = consolidateFiles(readExchangeFiles(paths));
    expect(model.period).toMatchObject({ code: latest, choice: 'common' });
    expect(model.departements.map((d) => [d.code, d.nom, d.fileName, d.counted])).toEqual([
      ['13', 'Bouches-du-Rhône', 'qrr-13-tout.qrr', true],
      ['2A', 'Corse-du-Sud', 'qrr-2A-tout.qrr', true],
      ['93', 'Seine-Saint-Denis', 'qrr-93-tout.qrr', true],
    ]);
    for (const d of model.departements) {
      expect(d.completeness).toEqual(dashboard.completeness);
      expect(d.implementation).toEqual(dashboard.implementation);
    }
    expect(model.totals.qrrs).toBe(3 * dashboard.qrrs.length);
    expect(model.totals.completeness.count).toBe(3 * dashboard.completeness.count);
    expect(model.engagements.map((e) => e.implementation.total)).toEqual(dashboard.engagements.map((e) => 3 * e.implementation.total));
    // FIPD: the ledger's figures, three times.
    expect(model.fipd?.totals).toMatchObject({ delegatedCents: 3 * FIPD.delegated, committedCents: 3 * FIPD.granted, paidCents: 3 * FIPD.paid, subsidies: 3 });
    // The quarter is open in 93 and 2A (the demonstration), transmitted in 13.
    expect(model.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/n'est pas encore transmis dans 2 départements : .* Ouvert : Corse-du-Sud \(2A\) et Seine-Saint-Denis \(93\)\.$/),
    ]);
  });

  it('produces the national PDF: title, départements, French figures, page x / y, marked as a consolidation', () => {
    const model = consolidateFiles(readExchangeFiles(paths));
    const target = path.join(dir, 'synthese.pdf');
    const written = writeNationalReport(model, target, { generatedAt: '2026-11-27T08:30:00.000Z', appVersion: 'test' });
    expect(written).toMatchObject({ path: target, fileName: 'synthese.pdf' });
    expect(fs.readFileSync(target).subarray(0, 5).toString()).toBe('%PDF-');
    const text = spaces(pdfText(target));
    expect(text).toContain(NATIONAL_TITLE);
    expect(text).toContain(`Consolidation des fichiers d'échange — ${model.period.label}`);
    for (const name of ['Bouches-du-Rhône (13)', 'Corse-du-Sud (2A)', 'Seine-Saint-Denis (93)', 'qrr-2A-tout.qrr', 'Dominique']) expect(text).toContain(name);
    expect(text).toContain('Établie le 27/11/2026');
    expect(text).toContain('26/11/2026 11:00'); // export time, Paris time
    // 3 × 12 345,67 € paid = 37 037,01 €, written the French way.
    expect(formatEurosFromCents(3 * FIPD.paid)).toBe('37\u202f037,01\u00a0€');
    expect(text).toContain('37 037,01 €');
    expect(text).toContain(`page 1 / ${written.pages}`);
    expect(text).toContain(`page ${written.pages} / ${written.pages}`);
    expect(text.split(CONSOLIDATION_MARK).length - 1).toBe(written.pages);
    expect(text).not.toContain('Document non signé');
    // Same input, same bytes.
    const again = path.join(dir, 'synthese-2.pdf');
    writeNationalReport(model, again, { generatedAt: '2026-11-27T08:30:00.000Z', appVersion: 'test' });
    expect(fs.readFileSync(again).equals(fs.readFileSync(target))).toBe(true);
  });

  it('refuses a malformed or altered file, naming it; all refusals at once', () => {
    const broken = path.join(dir, 'casse.qrr');
    fs.writeFileSync(broken, fs.readFileSync(paths[0]!, 'utf8').slice(0, 5000));
    const altered = path.join(dir, 'retouche.qrr');
    fs.writeFileSync(altered, fs.readFileSync(paths[1]!, 'utf8').replace('"Bouches-du-Rhône"', '"Bouches du Rhône"'));
    const attempt = (files: string[]): DomainError => {
      try {
        consolidateFiles(readExchangeFiles(files));
      } catch (error) {
        return error as DomainError;
      }
      throw new Error('expected a refusal');
    };
    const one = attempt([paths[0]!, broken]);
    expect(one).toBeInstanceOf(DomainError);
    expect(one.message).toBe("Fichier refusé, « casse.qrr » : Le fichier est tronqué ou n'est pas un fichier d'échange JSON.");
    const two = attempt([broken, altered, paths[2]!]);
    expect(two.message).toMatch(/^2 fichiers refusés : « casse\.qrr » : .* ; « retouche\.qrr » : Le contenu a été modifié depuis son export/);
    expect(two.issues?.map((i) => i.path)).toEqual(['casse.qrr', 'retouche.qrr']);
    const missing = attempt([path.join(dir, 'absent.qrr')]);
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('absent.qrr » : ce fichier n\'existe pas.');
    // The size is checked before reading.
    expect(() => readExchangeFiles([paths[0]!], { maxBytes: 1000 })).toThrow(/« qrr-93-tout\.qrr » : Le fichier est trop volumineux/);
  });

  it('through IPC: the model and the PDF in the exports folder, the database untouched', async () => {
    const files = paths.map((p) => ({ fileName: path.basename(p), text: fs.readFileSync(p, 'utf8') }));
    const before = snapshot(core.db);
    const model = await unwrap<NationalModel>(core.dispatch('consolidateExchanges', { files, periodCode: latest }) as never);
    expect(model.departements.map((d) => d.code)).toEqual(['13', '2A', '93']);
    const exported = await unwrap<{ path: string; fileName: string; pages: number }>(core.dispatch('exportNationalReport', { files }) as never);
    expect(path.dirname(exported.path)).toBe(path.join(core.dir, 'exports'));
    expect(exported.fileName).toMatch(new RegExp(`^synthese-nationale-qrr-${latest}-\\d{4}-\\d{2}-\\d{2}\\.pdf$`));
    expect(spaces(pdfText(exported.path))).toContain(`page ${exported.pages} / ${exported.pages}`);

    const refused = await core.dispatch('consolidateExchanges', { files: [...files, { fileName: 'vide.qrr', text: '' }] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('« vide.qrr »') } });
    const tooMany = await core.dispatch('consolidateExchanges', { files: Array.from({ length: 201 }, (_, i) => ({ fileName: `f${i}.qrr`, text: '{}' })) });
    expect(tooMany).toMatchObject({ ok: false, error: { message: 'Pas plus de 200 fichiers à la fois.' } });
    const badPeriod = await core.dispatch('exportNationalReport', { files, periodCode: '2019-T1' });
    expect(badPeriod).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Aucun des fichiers ne contient le 1er trimestre 2019/) } });
    expect(snapshot(core.db)).toEqual(before);
  });

  it('parses files received as text, migrating nothing and keeping their names', () => {
    const parsed = parseConsolidationFiles(paths.map((p) => ({ fileName: `reçu-${path.basename(p)}`, text: fs.readFileSync(p, 'utf8') })));
    expect(parsed.map((f) => [f.fileName, f.document.departement.code, f.migratedFrom])).toEqual([
      ['reçu-qrr-93-tout.qrr', '93', undefined],
      ['reçu-qrr-13-tout.qrr', '13', undefined],
      ['reçu-qrr-2A-tout.qrr', '2A', undefined],
    ]);
  });

  it('command line: PDF and JSON, a refused file stops with exit 1 and its name in French', () => {
    const cli = (args: string[]) => spawnSync(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    const out = path.join(dir, 'cli-synthese.pdf');
    const ok = cli(['consolidate', ...paths, paths[0]!, '--period', latest, '--out', out]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`Synthèse nationale du `);
    expect(ok.stdout).toMatch(/Corse-du-Sud \(2A\)\s+exporté le 26\/11\/2026 11:00/);
    expect(ok.stdout).toContain("n'est compté qu'une fois");
    expect(ok.stdout).toContain(`Synthèse enregistrée : ${out}`);
    expect(spaces(pdfText(out))).toContain('Seine-Saint-Denis (93)');

    const json = cli(['consolidate', ...paths, '--json']);
    expect(json.status).toBe(0);
    const model = JSON.parse(json.stdout) as NationalModel;
    expect(model).toMatchObject({ format: 'qrr-synthese-nationale', totals: { departements: 3 } });

    const broken = path.join(dir, 'tronque.qrr');
    fs.writeFileSync(broken, '{"format": "qrr-echange", ');
    const refused = cli(['consolidate', paths[0]!, broken, '--out', path.join(dir, 'jamais.pdf')]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Erreur : Fichier refusé, « tronque.qrr » :');
    expect(fs.existsSync(path.join(dir, 'jamais.pdf'))).toBe(false);

    const usage = cli(['consolidate', paths[0]!]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('Indiquez --out FICHIER.pdf');
  }, 120_000);
});
