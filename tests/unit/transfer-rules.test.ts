import { describe, expect, it } from 'vitest';
import {
  alternativeName,
  archivePathProblem,
  checkArchiveEntries,
  checkManifest,
  crossCheck,
  DEFAULT_TRANSFER_LIMITS,
  isLeftOutOfExport,
  transferFileName,
  type TransferManifest,
} from '../../electron/services/transfer/rules';
import { restoreSummaryMessage } from '../../electron/services/transfer/restore';

const HASH = 'a'.repeat(64);

const manifest = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  format: 'qrr-transfert',
  version: 1,
  createdAt: '2026-11-26T10:00:00.000Z',
  appVersion: '0.1.0',
  schemaVersion: 5,
  referentialVersion: 1,
  departement: { code: '93', nom: 'Seine-Saint-Denis' },
  osUser: 'cmartin',
  database: 'base/qrr.sqlite',
  includesBackups: false,
  note: 'Les sauvegardes ne sont pas incluses.',
  files: [
    { path: 'base/qrr.sqlite', size: 4096, sha256: HASH },
    { path: 'rapports/rapport.pdf', size: 10, sha256: HASH },
  ],
  ...overrides,
});

const check = (value: unknown) => checkManifest(JSON.stringify(value));

describe('paths inside a transfer archive', () => {
  it('accepts the manifest, the database and files under the three transferred folders', () => {
    for (const name of [
      'manifest.json',
      'base/qrr.sqlite',
      'rapports/rapport-qrr-93-2026-T4-signe.pdf',
      'exports/qrr-93-tout.qrr',
      'exports/archives/2025/notes de réunion.txt',
      'autorites-de-confiance/00dd77.pem',
    ]) {
      expect({ name, problem: archivePathProblem(name) }).toEqual({ name, problem: null });
    }
  });

  it('refuses anything that could leave the data folder', () => {
    for (const name of [
      '../evasion.txt',
      'rapports/../../evasion.txt',
      'rapports/..',
      '/etc/passwd',
      '\\\\serveur\\partage\\x',
      'C:/Windows/x.dll',
      'c:x',
      'rapports\\..\\..\\x',
      'rapports\\x.pdf',
    ]) {
      expect({ name, problem: archivePathProblem(name) }).toEqual({ name, problem: expect.stringMatching(/sort du dossier des données/) });
    }
  });

  it('refuses other places, folders, empty or odd parts, and names Windows cannot create', () => {
    const cases: [string, RegExp][] = [
      ['', /chemin vide/],
      ['sauvegardes/qrr-20260101-000000-000-manuelle.sqlite', /n'est pas un emplacement prévu/],
      ['qrr.sqlite', /n'est pas un emplacement prévu/],
      ['base/autre.sqlite', /n'est pas un emplacement prévu/],
      ['rapports', /n'est pas un emplacement prévu/],
      ['rapports/', /mal formé/],
      ['rapports//x.pdf', /mal formé/],
      ['rapports/./x.pdf', /mal formé/],
      ['rapports/x\u0000.pdf', /caractères de contrôle/],
      ['rapports/CON', /ne peut pas être créé sous Windows/],
      ['rapports/nul.txt', /ne peut pas être créé sous Windows/],
      ['rapports/a:b.pdf', /ne peut pas être créé sous Windows/],
      ['rapports/question?.pdf', /ne peut pas être créé sous Windows/],
      ['rapports/fin.', /ne peut pas être créé sous Windows/],
      ['rapports/fin ', /ne peut pas être créé sous Windows/],
      [`rapports/${'x'.repeat(256)}`, /nom trop long/],
      [`rapports/${'x/'.repeat(250)}x`, /trop long/],
    ];
    for (const [name, problem] of cases) expect({ name, problem: archivePathProblem(name) }).toEqual({ name, problem: expect.stringMatching(problem) });
  });
});

describe('the manifest', () => {
  it('accepts a well-formed version 1 manifest', () => {
    const result = check(manifest());
    expect(result).toMatchObject({ ok: true, value: { format: 'qrr-transfert', version: 1, departement: { code: '93' } } });
    expect(check(manifest({ departement: null, referentialVersion: null }))).toMatchObject({ ok: true });
  });

  it('refuses what is not ours, a newer or invalid version, in French', () => {
    expect(checkManifest('{pas du json')).toEqual({ ok: false, message: expect.stringMatching(/n'est pas une archive de transfert .* \(manifeste illisible\)/) });
    expect(check([1, 2])).toEqual({ ok: false, message: "ce fichier n'est pas une archive de transfert du Tableau de bord QRR" });
    expect(check(manifest({ format: 'qrr-echange' }))).toMatchObject({ ok: false, message: /n'est pas une archive de transfert/ });
    expect(check(manifest({ version: 3 }))).toEqual({
      ok: false,
      message:
        "l'archive a été créée par une version plus récente de l'application (format 3, cette version lit le format 1) ; installez la dernière version de l'application",
    });
    expect(check(manifest({ version: '1' }))).toMatchObject({ ok: false, message: /version du format de l'archive est invalide/ });
    expect(check(manifest({ version: 0 }))).toMatchObject({ ok: false, message: /version du format de l'archive est invalide/ });
  });

  it('refuses a malformed manifest, naming the field', () => {
    expect(check(manifest({ files: 'tout' }))).toMatchObject({ ok: false, message: /manifeste de l'archive est invalide \(files : / });
    expect(check(manifest({ includesBackups: true }))).toMatchObject({ ok: false, message: /\(includesBackups : / });
    expect(check(manifest({ files: [{ path: 'base/qrr.sqlite', size: -1, sha256: HASH }] }))).toMatchObject({ ok: false, message: /files\.0\.size/ });
    expect(check(manifest({ files: [{ path: 'base/qrr.sqlite', size: 1, sha256: 'abc' }] }))).toMatchObject({ ok: false, message: /empreinte SHA-256 invalide/ });
    expect(check(manifest({ createdAt: 'hier' }))).toMatchObject({ ok: false, message: /createdAt/ });
  });

  it('refuses dangerous or duplicate paths, a self-description, and a manifest without the database', () => {
    const withFiles = (files: unknown[]) => check(manifest({ files: [{ path: 'base/qrr.sqlite', size: 1, sha256: HASH }, ...files] }));
    expect(withFiles([{ path: '../x', size: 1, sha256: HASH }])).toMatchObject({ ok: false, message: /sort du dossier des données/ });
    expect(withFiles([{ path: 'rapports/a.pdf', size: 1, sha256: HASH }, { path: 'rapports/a.pdf', size: 1, sha256: HASH }])).toMatchObject({
      ok: false,
      message: /« rapports\/a\.pdf » figure deux fois dans le manifeste/,
    });
    expect(withFiles([{ path: 'manifest.json', size: 1, sha256: HASH }])).toMatchObject({ ok: false, message: /ne peut pas se décrire lui-même/ });
    expect(check(manifest({ files: [{ path: 'rapports/a.pdf', size: 1, sha256: HASH }] }))).toMatchObject({
      ok: false,
      message: "l'archive ne contient pas de base de données",
    });
    const many = Array.from({ length: 4 }, (_, i) => ({ path: `rapports/${i}.pdf`, size: 1, sha256: HASH }));
    expect(checkManifest(JSON.stringify(manifest({ files: [{ path: 'base/qrr.sqlite', size: 1, sha256: HASH }, ...many] })), { maxEntries: 3 })).toMatchObject({
      ok: false,
      message: /trop de fichiers/,
    });
  });
});

describe("the zip's entries, before inflating anything", () => {
  const entry = (name: string, originalSize = 10, compression = 8) => ({ name, originalSize, compression });

  it('gives the declared sizes of acceptable entries', () => {
    const result = checkArchiveEntries([entry('manifest.json'), entry('base/qrr.sqlite', 4096), entry('rapports/a.pdf', 0, 0)]);
    expect(result).toEqual({ ok: true, value: new Map([['manifest.json', 10], ['base/qrr.sqlite', 4096], ['rapports/a.pdf', 0]]) });
  });

  it('refuses a zip without manifest, dangerous names, duplicates, unknown compressions, invalid sizes', () => {
    expect(checkArchiveEntries([entry('photo.jpg')])).toMatchObject({ ok: false, message: /\(pas de manifeste\)/ });
    expect(checkArchiveEntries([])).toMatchObject({ ok: false, message: /\(pas de manifeste\)/ });
    expect(checkArchiveEntries([entry('manifest.json'), entry('../../x')])).toMatchObject({ ok: false, message: /sort du dossier des données/ });
    expect(checkArchiveEntries([entry('manifest.json'), entry('rapports/a.pdf'), entry('rapports/a.pdf')])).toMatchObject({
      ok: false,
      message: /figure deux fois dans l'archive/,
    });
    expect(checkArchiveEntries([entry('manifest.json'), entry('rapports/a.pdf', 10, 14)])).toMatchObject({ ok: false, message: /compression inconnue/ });
    expect(checkArchiveEntries([entry('manifest.json'), entry('rapports/a.pdf', Number.NaN)])).toMatchObject({ ok: false, message: /taille .* invalide/ });
  });

  it('refuses a declared total above the limit (zip bomb), too many entries, a huge manifest', () => {
    const limits = { ...DEFAULT_TRANSFER_LIMITS, maxUncompressedBytes: 100, maxEntries: 3, maxManifestBytes: 50 };
    expect(checkArchiveEntries([entry('manifest.json', 10), entry('base/qrr.sqlite', 60), entry('rapports/a.pdf', 40)], limits)).toMatchObject({
      ok: false,
      message: /une fois décompressée, l'archive occuperait 1\sMo, au-delà de la limite de 1\sMo/,
    });
    expect(checkArchiveEntries([entry('manifest.json'), entry('base/qrr.sqlite'), entry('rapports/a.pdf'), entry('rapports/b.pdf')], limits)).toMatchObject({
      ok: false,
      message: /trop de fichiers/,
    });
    expect(checkArchiveEntries([entry('manifest.json', 60)], limits)).toMatchObject({ ok: false, message: /manifeste de l'archive est trop volumineux/ });
  });

  it('cross-checks the manifest with the zip: nothing missing, nothing more, same sizes', () => {
    const parsed = check(manifest());
    if (!parsed.ok) throw new Error(parsed.message);
    const m: TransferManifest = parsed.value;
    const sizes = (extra: [string, number][] = []) => new Map<string, number>([['manifest.json', 500], ['base/qrr.sqlite', 4096], ['rapports/rapport.pdf', 10], ...extra]);
    expect(crossCheck(m, sizes())).toBeNull();
    expect(crossCheck(m, new Map([['manifest.json', 1], ['base/qrr.sqlite', 4096]]))).toBe(
      "le fichier « rapports/rapport.pdf » annoncé par le manifeste manque dans l'archive",
    );
    expect(crossCheck(m, sizes([['rapports/rapport.pdf', 11]]))).toBe('la taille du fichier « rapports/rapport.pdf » diffère de celle du manifeste');
    expect(crossCheck(m, sizes([['exports/en-plus.csv', 3]]))).toBe("le fichier « exports/en-plus.csv » n'est pas décrit par le manifeste");
  });
});

describe('names', () => {
  it('names the archive after the département and the Paris calendar day', () => {
    expect(transferFileName('93', new Date('2026-11-26T10:00:00Z'))).toBe('qrr-transfert-93-2026-11-26.qrrsauv');
    // 23:30 UTC on 30 June is already 1 July in Paris (summer time).
    expect(transferFileName('2A', new Date('2026-06-30T23:30:00Z'))).toBe('qrr-transfert-2A-2026-07-01.qrrsauv');
    expect(transferFileName(null, new Date('2026-01-05T12:00:00Z'))).toBe('qrr-transfert-sans-departement-2026-01-05.qrrsauv');
  });

  it('leaves earlier transfer archives and half-written files out of the export', () => {
    expect(isLeftOutOfExport('exports', 'qrr-transfert-93-2026-11-26.qrrsauv')).toBe(true);
    expect(isLeftOutOfExport('exports', 'ANCIEN.QRRSAUV')).toBe(true);
    expect(isLeftOutOfExport('rapports', 'rapport.pdf.1234.tmp')).toBe(true);
    expect(isLeftOutOfExport('exports', 'qrr-93-tout.qrr')).toBe(false);
    expect(isLeftOutOfExport('rapports', 'rapport.pdf')).toBe(false);
  });

  it('suffixes an incoming file whose name is taken, keeping its extension', () => {
    expect(alternativeName('rapport.pdf', 1)).toBe('rapport (transfert).pdf');
    expect(alternativeName('rapport.pdf', 2)).toBe('rapport (transfert 2).pdf');
    expect(alternativeName('LISEZMOI', 1)).toBe('LISEZMOI (transfert)');
    expect(alternativeName('.profil', 1)).toBe('.profil (transfert)');
    expect(alternativeName('archive.tar.gz', 1)).toBe('archive.tar (transfert).gz');
  });
});

describe('the summary after a restore', () => {
  it('says what was restored, what was kept, what failed, and where the previous state is', () => {
    const message = restoreSummaryMessage({
      departement: { code: '93', nom: 'Seine-Saint-Denis' },
      createdAt: '2026-11-26T10:05:00Z',
      createdBy: 'cmartin',
      qrrCount: 3,
      safetyBackup: 'qrr-20261127-080000-000-avant-restauration.sqlite',
      files: { written: 4, identical: 1, renamed: [{ from: 'rapports/r.pdf', to: 'rapports/r (transfert).pdf' }], failed: ['exports/x.csv'] },
      offeredRoots: [{ fingerprint: 'ab'.repeat(32), subject: 'CN=Racine', validTo: '2030-01-01T00:00:00.000Z', certificateBase64: '', alreadyTrusted: false }],
    });
    expect(message).toBe(
      'Les données exportées le 26/11/2026 11:05 par cmartin (Seine-Saint-Denis, 93) ont été restaurées : 3 quartiers dans la base de données. ' +
        'Rapports et exports : 4 fichiers copiés, 1 fichier déjà présent à l’identique. ' +
        "L'archive propose 1 autorité de certification : aucune n'a été ajoutée aux autorités de confiance ; vérifiez l'empreinte de chacune auprès de son émetteur avant de la confirmer. " +
        "1 fichier portait le nom d'un fichier différent déjà présent, qui a été conservé ; la version de l'archive est enregistrée sous « rapports/r (transfert).pdf ». " +
        "1 fichier n'a pas pu être copié : « exports/x.csv ». La base de données est restaurée ; copiez ces fichiers depuis l'archive avec l'aide de votre service informatique. " +
        "L'état précédent de cette base est sauvegardé dans « qrr-20261127-080000-000-avant-restauration.sqlite ». " +
        "Les sauvegardes de l'ancien poste ne sont pas transférées.",
    );
  });

  it('with nothing to back up and no other file', () => {
    const message = restoreSummaryMessage({
      departement: null,
      createdAt: '2026-01-05T12:00:00Z',
      createdBy: '',
      qrrCount: 1,
      safetyBackup: null,
      files: { written: 0, identical: 0, renamed: [], failed: [] },
      offeredRoots: [],
    });
    expect(message).toBe(
      'Les données exportées le 05/01/2026 13:00 par un utilisateur inconnu ont été restaurées : 1 quartier dans la base de données. ' +
        "Il n'y avait pas de base de données à sauvegarder avant la restauration. Les sauvegardes de l'ancien poste ne sont pas transférées.",
    );
  });
});
