import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../electron/services/db/migrations';
import { exportEverything } from '../../electron/services/transfer/export';
import { DEFAULT_TRANSFER_LIMITS } from '../../electron/services/transfer/rules';
import { contract } from '../../shared/ipc/contract';
import { TRANSFER_MAX_ARCHIVE_BYTES, type TransferExportDto, type TransferRestoreDto } from '../../shared/transfer/transfer';
import type { Result } from '../../shared/ipc/result';
import { openCore, snapshot, tempDir } from '../support/db';
import { makeTestPki } from '../support/pki';

type Core = Awaited<ReturnType<typeof openCore>>;

const value = <T>(result: Result<unknown>): T => {
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  return result.value as T;
};

const sha256 = (bytes: Uint8Array): string => crypto.createHash('sha256').update(bytes).digest('hex');

/**
 * Every file of a data folder with its bytes (hashed), to prove a refusal
 * changed nothing. `-shm` is left out: it is SQLite's shared-memory index,
 * which readers update, not data.
 */
function folderState(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isFile() && !name.endsWith('-shm')) out[name.split(path.sep).join('/')] = sha256(fs.readFileSync(full));
  }
  return out;
}

/** The files of the transferred folders, by path inside the data folder, with their bytes. */
function transferredFiles(dir: string, { withTransferArchives = false } = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(folderState(dir)).filter(
      ([name]) => /^(rapports|exports|autorites-de-confiance)\//.test(name) && (withTransferArchives || !name.endsWith('.qrrsauv')),
    ),
  );
}

const withoutRoots = (files: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(files).filter(([name]) => !name.startsWith('autorites-de-confiance/')));

const restore = (core: Core, archive: Uint8Array, extra: { confirmOtherDepartement?: boolean; fileName?: string } = {}) =>
  core.dispatch('restoreEverything', { archiveBase64: Buffer.from(archive).toString('base64'), ...extra });

interface Manifest {
  format: string;
  version: number;
  files: { path: string; size: number; sha256: string }[];
  [key: string]: unknown;
}

/** Opens a good archive, lets the test change its files or manifest, and zips it again (with fflate, as the app does). */
function repack(archive: Uint8Array, change: (files: Record<string, Uint8Array>, manifest: Manifest) => void): Uint8Array {
  const files = unzipSync(archive);
  const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
  delete files['manifest.json'];
  change(files, manifest);
  return zipSync({ 'manifest.json': strToU8(JSON.stringify(manifest)), ...files });
}

/** Recomputes the manifest's size and hash of one file after the test changed it (so only the intended check fails). */
const relist = (files: Record<string, Uint8Array>, manifest: Manifest, name: string) => {
  const entry = manifest.files.find((f) => f.path === name)!;
  entry.size = files[name]!.length;
  entry.sha256 = sha256(files[name]!);
};

/**
 * Writes `size` as the uncompressed size the zip declares for `name`, in its
 * local header and in the central directory — what a zip bomb lies about.
 */
function patchDeclaredSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = Buffer.from(zip);
  const encoded = Buffer.from(name, 'utf8');
  let patched = 0;
  for (let i = 0; i + 46 < out.length; i++) {
    const signature = out.readUInt32LE(i);
    if (signature === 0x04034b50) {
      const length = out.readUInt16LE(i + 26);
      if (length === encoded.length && out.subarray(i + 30, i + 30 + length).equals(encoded)) {
        out.writeUInt32LE(size, i + 22);
        patched++;
      }
    } else if (signature === 0x02014b50) {
      const length = out.readUInt16LE(i + 28);
      if (length === encoded.length && out.subarray(i + 46, i + 46 + length).equals(encoded)) {
        out.writeUInt32LE(size, i + 24);
        patched++;
      }
    }
  }
  expect(patched).toBe(2);
  return out;
}

const transferTempDirs = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('qrr-restauration-') || n.startsWith('qrr-transfert-'));

describe('« Exporter tout » then « Restaurer » on another workstation', () => {
  let source: Core;
  let exported: TransferExportDto;
  let archive: Buffer;
  let rootPem: string;
  let rootFingerprint: string;

  beforeAll(async () => {
    source = await openCore();
    expect((await source.dispatch('installDemo', undefined)).ok).toBe(true);
    // A report, an exchange export, a trusted root, and an earlier transfer archive that must not be nested.
    value(await source.dispatch('generateReport', { periodCode: '2026-T4', transmit: false }));
    value(await source.dispatch('exportExchange', {}));
    rootPem = makeTestPki({ password: 'x' }).rootPem;
    rootFingerprint = new crypto.X509Certificate(rootPem).fingerprint256.replaceAll(':', '').toLowerCase();
    value(await source.dispatch('addTrustedRoot', { certificateBase64: Buffer.from(rootPem).toString('base64') }));
    fs.mkdirSync(path.join(source.dir, 'exports', 'archives'), { recursive: true });
    fs.writeFileSync(path.join(source.dir, 'exports', 'archives', 'notes.txt'), 'Dossier rangé par le coordinateur');
    fs.writeFileSync(path.join(source.dir, 'exports', 'qrr-transfert-93-2020-01-01.qrrsauv'), 'ancienne archive');
    exported = value(await source.dispatch('exportEverything', undefined));
    archive = fs.readFileSync(exported.path);
  }, 120_000);

  afterAll(() => source?.close());

  it('writes one zip in « exports » with a manifest giving every file its size and SHA-256, without backups nor earlier archives', () => {
    expect(exported.fileName).toMatch(/^qrr-transfert-93-\d{4}-\d{2}-\d{2}\.qrrsauv$/);
    expect(path.dirname(exported.path)).toBe(path.join(source.dir, 'exports'));
    expect(exported.bytes).toBe(archive.length);
    expect(exported.skipped).toEqual([]);

    const files = unzipSync(archive);
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
    expect(manifest).toMatchObject({
      format: 'qrr-transfert',
      version: 1,
      appVersion: 'test',
      schemaVersion: LATEST_SCHEMA_VERSION,
      referentialVersion: expect.any(Number),
      departement: { code: '93', nom: 'Seine-Saint-Denis' },
      osUser: 'test-user',
      database: 'base/qrr.sqlite',
      includesBackups: false,
      note: expect.stringMatching(/sauvegardes.*ne sont pas incluses/),
    });
    expect(Date.parse(manifest['createdAt'] as string)).not.toBeNaN();
    const paths = manifest.files.map((f) => f.path).sort();
    expect(paths).toEqual(
      ['base/qrr.sqlite', ...Object.keys(transferredFiles(source.dir))].sort(),
    );
    expect(paths).toContain('exports/archives/notes.txt');
    expect(paths.some((p) => p.startsWith('rapports/') && p.endsWith('.pdf'))).toBe(true);
    expect(paths.some((p) => p.startsWith('autorites-de-confiance/'))).toBe(true);
    expect(paths.some((p) => p.endsWith('.qrrsauv') || p.startsWith('sauvegardes/'))).toBe(false);
    expect(Object.keys(files).sort()).toEqual(['manifest.json', ...paths].sort());
    expect(exported.files).toBe(paths.length);
    for (const entry of manifest.files) {
      expect(files[entry.path]!.length).toBe(entry.size);
      expect(sha256(files[entry.path]!)).toBe(entry.sha256);
    }
    // The database is a complete file on its own: rollback journal mode (header bytes 18-19 = 1), no WAL needed.
    const db = files['base/qrr.sqlite']!;
    expect([db[18], db[19]]).toEqual([1, 1]);
    expect(transferTempDirs()).toEqual([]);
  });

  it('refuses to write an archive a restore would refuse (above the size limit), leaving nothing behind', async () => {
    const before = folderState(source.dir);
    const attempt = exportEverything({
      db: source.db,
      dataDir: source.dir,
      appVersion: 'test',
      osUser: 'test-user',
      now: new Date('2026-12-01T10:00:00Z'),
      limits: { ...DEFAULT_TRANSFER_LIMITS, maxArchiveBytes: 64 * 1024 },
    });
    await expect(attempt).rejects.toThrow(/^L'archive ferait \d+\sMo, au-delà des 1\sMo qu'une restauration accepte\. .*Rien n'a été écrit\.$/);
    expect(folderState(source.dir)).toEqual(before);
    expect(transferTempDirs()).toEqual([]);
  });

  it('restores into a fresh data folder: the database equal table by table, the files equal, a safety backup, one audit entry', async () => {
    const target = await openCore();
    try {
      const summary = value<TransferRestoreDto>(await restore(target, archive, { fileName: exported.fileName }));
      const sourceTables = snapshot(source.db);
      const targetTables = snapshot(target.db);
      expect(Object.keys(targetTables)).toEqual(Object.keys(sourceTables));
      for (const table of Object.keys(sourceTables)) {
        if (table === 'audit_log') continue;
        expect({ table, rows: targetTables[table] }).toEqual({ table, rows: sourceTables[table] });
      }
      // The trail is the other workstation's, plus the restore itself, recorded after the reopen.
      const trail = targetTables['audit_log'] as { entity: string; action: string; entity_id: string; new_value: string }[];
      expect(trail.slice(0, -1)).toEqual(sourceTables['audit_log']);
      expect(trail.at(-1)).toMatchObject({ entity: 'transfer_restore', action: 'restore', entity_id: sha256(archive) });
      expect(JSON.parse(trail.at(-1)!.new_value)).toMatchObject({
        fileName: exported.fileName,
        exportedBy: 'test-user',
        departement: '93',
        files: { written: exported.files - 2, identical: 0, renamed: 0, failed: 0 },
      });

      // Reports and exports come across; the trusted root does not (offered, see below).
      expect(transferredFiles(target.dir)).toEqual(withoutRoots(transferredFiles(source.dir)));
      expect(fs.readFileSync(path.join(target.dir, 'exports', 'archives', 'notes.txt'), 'utf8')).toBe('Dossier rangé par le coordinateur');
      expect(summary).toMatchObject({
        departement: { code: '93', nom: 'Seine-Saint-Denis' },
        createdBy: 'test-user',
        qrrCount: 3,
        files: { written: exported.files - 2, identical: 0, renamed: [], failed: [] },
      });
      expect(summary.safetyBackup).toMatch(/^qrr-\d{8}-\d{6}-\d{3}-avant-restauration\.sqlite$/);
      expect(fs.readdirSync(path.join(target.dir, 'sauvegardes'))).toEqual([summary.safetyBackup]);
      expect(summary.message).toMatch(/^Les données exportées le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} par test-user \(Seine-Saint-Denis, 93\) ont été restaurées : 3 quartiers/);
      expect(summary.message).toContain("Les sauvegardes de l'ancien poste ne sont pas transférées.");

      // The application carries on with the restored data: QRRs, data folders; the root only once confirmed.
      expect(value<unknown[]>(await target.dispatch('listQrrs', { includeArchived: true }))).toHaveLength(3);
      expect(value<unknown[]>(await target.dispatch('listTrustedRoots', undefined))).toEqual([]);
      expect(summary.offeredRoots).toEqual([
        expect.objectContaining({ fingerprint: rootFingerprint, subject: expect.stringContaining('Autorité racine de test QRR'), alreadyTrusted: false }),
      ]);
      value(await target.dispatch('addTrustedRoot', { certificateBase64: summary.offeredRoots[0]!.certificateBase64 }));
      expect(value<{ subject: string }[]>(await target.dispatch('listTrustedRoots', undefined))).toEqual([
        expect.objectContaining({ fingerprint: rootFingerprint, subject: expect.stringContaining('Autorité racine de test QRR') }),
      ]);
      expect(value(await target.dispatch('getAppInfo', undefined))).toMatchObject({
        databasePath: target.databasePath,
        backupDir: path.join(target.dir, 'sauvegardes'),
        reportsDir: path.join(target.dir, 'rapports'),
        exportsDir: path.join(target.dir, 'exports'),
        trustedRootsDir: path.join(target.dir, 'autorites-de-confiance'),
      });

      // Restoring the same archive again finds every file already there.
      const again = value<TransferRestoreDto>(await restore(target, archive));
      expect(again.files).toEqual({ written: 0, identical: exported.files - 2, renamed: [], failed: [] });
      expect(again.offeredRoots).toEqual([expect.objectContaining({ fingerprint: rootFingerprint, alreadyTrusted: true })]);
      expect(transferredFiles(target.dir)).toEqual(transferredFiles(source.dir));
      expect(transferTempDirs()).toEqual([]);
    } finally {
      target.close();
    }
  });

  it('Restore trusts what it should not: a root planted in the archive is listed with its fingerprint, never trusted without its own confirmation', async () => {
    const planted = makeTestPki({ password: 'y', signerCommonName: "Quelqu'un d'autre" }).rootPem;
    const plantedFingerprint = new crypto.X509Certificate(planted).fingerprint256.replaceAll(':', '').toLowerCase();
    const withPlanted = repack(archive, (files, manifest) => {
      files['autorites-de-confiance/planted.pem'] = strToU8(planted);
      manifest.files.push({ path: 'autorites-de-confiance/planted.pem', size: 0, sha256: '' });
      relist(files, manifest, 'autorites-de-confiance/planted.pem');
    });
    const target = await openCore();
    try {
      const summary = value<TransferRestoreDto>(await restore(target, withPlanted));
      expect(summary.offeredRoots.map((r) => [r.fingerprint, r.alreadyTrusted]).sort()).toEqual(
        [
          [plantedFingerprint, false],
          [rootFingerprint, false],
        ].sort(),
      );
      expect(summary.message).toMatch(/L'archive propose 2 autorités de certification : aucune n'a été ajoutée/);
      // Default: not trusted, nothing in the trust folder.
      expect(value<unknown[]>(await target.dispatch('listTrustedRoots', undefined))).toEqual([]);
      expect(fs.existsSync(path.join(target.dir, 'autorites-de-confiance', 'planted.pem'))).toBe(false);
      // The restore's audit entry names what was offered.
      const entry = target.db.prepare(`SELECT new_value FROM audit_log WHERE entity = 'transfer_restore'`).pluck().get() as string;
      expect(JSON.parse(entry).offeredRoots.sort()).toEqual([plantedFingerprint, rootFingerprint].sort());
    } finally {
      target.close();
    }
  });

  it('never overwrites: a different file with the same name is kept, the incoming one written under a suffixed name', async () => {
    const target = await openCore();
    try {
      const report = Object.keys(transferredFiles(source.dir)).find((p) => p.startsWith('rapports/'))!;
      const mine = path.join(target.dir, ...report.split('/'));
      fs.mkdirSync(path.dirname(mine), { recursive: true });
      fs.writeFileSync(mine, 'le rapport de ce poste');
      const summary = value<TransferRestoreDto>(await restore(target, archive));
      const suffixed = report.replace(/\.pdf$/, ' (transfert).pdf');
      expect(summary.files.renamed).toEqual([{ from: report, to: suffixed }]);
      expect(fs.readFileSync(mine, 'utf8')).toBe('le rapport de ce poste');
      expect(fs.readFileSync(path.join(target.dir, ...suffixed.split('/')))).toEqual(fs.readFileSync(path.join(source.dir, ...report.split('/'))));
      expect(summary.message).toContain(`la version de l'archive est enregistrée sous « ${suffixed} »`);
    } finally {
      target.close();
    }
  });

  describe('refusals change nothing, byte for byte', () => {
    let target: Core;
    let before: { files: Record<string, string>; tables: Record<string, unknown[]> };

    beforeAll(async () => {
      // Another workstation already following a QRR of the Hérault, with a report of its own.
      target = await openCore();
      value(await target.dispatch('saveSettings', { departementCode: '34', prefetName: '', coordinatorName: '' }));
      value(await target.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'] }));
      fs.mkdirSync(path.join(target.dir, 'rapports'), { recursive: true });
      fs.writeFileSync(path.join(target.dir, 'rapports', 'rapport-34.pdf'), '%PDF-1.7 rapport du poste');
      before = { files: folderState(target.dir), tables: snapshot(target.db) };
    });
    afterAll(() => target?.close());

    const expectUnchanged = () => {
      expect(folderState(target.dir)).toEqual(before.files);
      expect(snapshot(target.db)).toEqual(before.tables);
      expect(transferTempDirs()).toEqual([]);
    };

    const refused = async (bytes: Uint8Array, code: string, message: RegExp, extra: { confirmOtherDepartement?: boolean } = {}) => {
      const result = await restore(target, bytes, extra);
      expect(result).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) } });
      if (!result.ok) expect(result.error.message).toMatch(/[Rr]ien n'a été modifié\.$/);
      expectUnchanged();
    };

    /** The archive with its database edited (hashes and manifest updated: only the intended check can fail). */
    const withDatabase = (edit: (db: Database.Database) => void) =>
      repack(archive, (files, manifest) => {
        const tmp = path.join(tempDir(), 'qrr.sqlite');
        fs.writeFileSync(tmp, files['base/qrr.sqlite']!);
        const raw = new Database(tmp);
        edit(raw);
        raw.close();
        files['base/qrr.sqlite'] = fs.readFileSync(tmp);
        relist(files, manifest, 'base/qrr.sqlite');
      });

    it('Restore trusts what it should not: a foreign trigger (audit_log RAISE(IGNORE)), a foreign view, an extra table, an extra column are refused', async () => {
      const trigger = withDatabase((db) => db.exec('CREATE TRIGGER silence BEFORE INSERT ON audit_log BEGIN SELECT RAISE(IGNORE); END'));
      await refused(trigger, 'VALIDATION', /contient des éléments que cette application ne crée pas \(déclencheur « silence » \(sur audit_log\) inconnu de l'application\)/);
      const view = withDatabase((db) => db.exec('CREATE VIEW resume AS SELECT id FROM qrr'));
      await refused(view, 'VALIDATION', /\(vue « resume » inconnue de l'application\)/);
      const table = withDatabase((db) => db.exec('CREATE TABLE notes_perso (id INTEGER PRIMARY KEY, texte TEXT)'));
      await refused(table, 'VALIDATION', /\(table « notes_perso » inconnue de l'application\)/);
      const column = withDatabase((db) => db.exec('ALTER TABLE qrr ADD COLUMN cache TEXT'));
      await refused(column, 'VALIDATION', /\(table « qrr » modifiée\)/);
      const index = withDatabase((db) => db.exec('CREATE INDEX ix_nom ON qrr (name)'));
      await refused(index, 'VALIDATION', /\(index « ix_nom » \(sur qrr\) inconnu de l'application\)/);
    });

    it('not a zip, a zip without our manifest, another format, a newer format', async () => {
      await refused(Buffer.from('%PDF-1.7 pas une archive'), 'VALIDATION', /n'est pas une archive de transfert du Tableau de bord QRR \(ce n'est pas un fichier zip lisible\)/);
      await refused(Buffer.from(archive.subarray(0, archive.length / 2)), 'VALIDATION', /n'est pas un fichier zip lisible/);
      await refused(zipSync({ 'photos/vacances.jpg': strToU8('jpeg') }), 'VALIDATION', /n'est pas une archive de transfert du Tableau de bord QRR \(pas de manifeste\)/);
      await refused(
        repack(archive, (_files, manifest) => (manifest.format = 'autre-logiciel')),
        'VALIDATION',
        /^Restauration refusée : ce fichier n'est pas une archive de transfert du Tableau de bord QRR\. /,
      );
      await refused(
        repack(archive, (_files, manifest) => (manifest.version = 2)),
        'VALIDATION',
        /créée par une version plus récente de l'application \(format 2, cette version lit le format 1\)/,
      );
    });

    it('a file missing, a file whose content differs from its hash, a file not in the manifest', async () => {
      const report = Object.keys(transferredFiles(source.dir)).find((p) => p.startsWith('rapports/'))!;
      await refused(
        repack(archive, (files) => delete files[report]),
        'VALIDATION',
        new RegExp(`le fichier « ${report.replace(/[.()]/g, '\\$&')} » annoncé par le manifeste manque dans l'archive`),
      );
      await refused(
        repack(archive, (files) => {
          const bytes = files[report]!.slice();
          bytes[100] = bytes[100]! ^ 0xff;
          files[report] = bytes;
        }),
        'VALIDATION',
        /a été modifié ou est endommagé \(son empreinte SHA-256 diffère de celle du manifeste\)/,
      );
      await refused(
        repack(archive, (files) => (files['rapports/ajout.pdf'] = strToU8('ajouté après coup'))),
        'VALIDATION',
        /le fichier « rapports\/ajout\.pdf » n'est pas décrit par le manifeste/,
      );
    });

    it('zip bombs: declared sizes above the limit, and an entry inflating beyond what it declares', async () => {
      await refused(
        patchDeclaredSize(archive, 'base/qrr.sqlite', 0xfffffff0),
        'VALIDATION',
        /une fois décompressée, l'archive occuperait 4[\s\u202f]09\d\sMo, au-delà de la limite de 2[\s\u202f]048\sMo/,
      );
      // 8 Mo of zeros declared (in the zip and the manifest) as 10 bytes: reading stops at the 11th.
      const bomb = repack(archive, (files, manifest) => {
        files['exports/bombe.txt'] = new Uint8Array(8 * 1024 * 1024);
        manifest.files.push({ path: 'exports/bombe.txt', size: 10, sha256: sha256(new Uint8Array(10)) });
      });
      await refused(
        patchDeclaredSize(bomb, 'exports/bombe.txt', 10),
        'VALIDATION',
        /le fichier « exports\/bombe\.txt » est plus volumineux une fois décompressé que ce qu'annonce l'archive/,
      );
    });

    it('paths leaving the data folder or outside the expected folders', async () => {
      const outside = path.join(path.dirname(target.dir), 'evasion.txt');
      for (const name of ['../evasion.txt', 'rapports/../../evasion.txt', '/tmp/evasion.txt', 'C:/Windows/evasion.txt', 'rapports\\..\\..\\evasion.txt']) {
        await refused(
          repack(archive, (files, manifest) => {
            files[name] = strToU8('évadé');
            manifest.files.push({ path: name, size: files[name]!.length, sha256: sha256(files[name]!) });
          }),
          'VALIDATION',
          /sort du dossier des données/,
        );
      }
      await refused(
        repack(archive, (files, manifest) => {
          files['sauvegardes/qrr-20260101-000000-000-manuelle.sqlite'] = strToU8('x');
          manifest.files.push({ path: 'sauvegardes/qrr-20260101-000000-000-manuelle.sqlite', size: 1, sha256: sha256(strToU8('x')) });
        }),
        'VALIDATION',
        /n'est pas un emplacement prévu/,
      );
      expect(fs.existsSync(outside)).toBe(false);
    });

    it('a damaged database, a database of a newer schema, a manifest lying about the database', async () => {
      const damaged = repack(archive, (files, manifest) => {
        const db = files['base/qrr.sqlite']!.slice();
        const tmp = path.join(tempDir(), 'lecture.sqlite');
        fs.writeFileSync(tmp, db);
        const { pageSize, rootPage } = (() => {
          const raw = new Database(tmp, { readonly: true });
          try {
            return {
              pageSize: raw.pragma('page_size', { simple: true }) as number,
              rootPage: raw.prepare(`SELECT rootpage FROM sqlite_schema WHERE name = 'qrr'`).pluck().get() as number,
            };
          } finally {
            raw.close();
          }
        })();
        db.fill(0xab, (rootPage - 1) * pageSize, rootPage * pageSize);
        files['base/qrr.sqlite'] = db;
        relist(files, manifest, 'base/qrr.sqlite');
      });
      await refused(damaged, 'VALIDATION', /la base de données de l'archive ne convient pas\. Le fichier « qrr\.sqlite » est endommagé \(contrôle d'intégrité/);

      const newer = withDatabase((db) => db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`));
      await refused(newer, 'DATABASE_TOO_NEW', new RegExp(`version plus récente de l'application \\(schéma ${LATEST_SCHEMA_VERSION + 1}`));
      const newerReferential = withDatabase((db) => db.prepare('UPDATE referential_meta SET version = version + 100').run());
      await refused(newerReferential, 'DATABASE_TOO_NEW', /utilise le référentiel version \d+, plus récent que celui de cette application/);
      const otherDepartement = withDatabase((db) => db.prepare(`UPDATE settings SET departement_code = '75'`).run());
      await refused(otherDepartement, 'VALIDATION', /le manifeste ne correspond pas à la base de données de l'archive/);
    });

    it('an archive above 200 Mo is refused by the request schema, in French', () => {
      const parsed = contract.restoreEverything.request.safeParse({ archiveBase64: 'A'.repeat(Math.ceil((TRANSFER_MAX_ARCHIVE_BYTES * 4) / 3) + 8) });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^L'archive dépasse 200 Mo : elle ne peut pas être restaurée/)]);
      expectUnchanged();
    });

    it('another département: refused without the explicit confirmation, restored with it (existing files kept)', async () => {
      await refused(
        archive,
        'CONFLICT',
        /^L'archive concerne le département Seine-Saint-Denis \(93\), alors que cette base suit le département Hérault \(34\) \(1 quartier\)\. .*confirmez-le explicitement/,
      );
      const result = await restore(target, archive, { confirmOtherDepartement: true });
      expect(result).toMatchObject({ ok: true, value: { departement: { code: '93' }, qrrCount: 3 } });
      expect(value<{ departementCode: string }>(await target.dispatch('getSettings', undefined)).departementCode).toBe('93');
      expect(fs.readFileSync(path.join(target.dir, 'rapports', 'rapport-34.pdf'), 'utf8')).toBe('%PDF-1.7 rapport du poste');
      // The Hérault database is in the safety backup.
      const safety = (result as { ok: true; value: TransferRestoreDto }).value.safetyBackup!;
      const backup = new Database(path.join(target.dir, 'sauvegardes', safety), { readonly: true });
      try {
        expect(backup.prepare('SELECT name FROM qrr').pluck().all()).toEqual(['QRR Mosson']);
      } finally {
        backup.close();
      }
    });
  });
});
