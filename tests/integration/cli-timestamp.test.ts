/**
 * `report --tsa URL` / `--without-timestamp` and `verify` of a time-stamped
 * report, run as child processes against a real TSA (`openssl ts -reply` on
 * 127.0.0.1, tests/support/tsa.ts). The children run asynchronously: the TSA
 * answers from this process's event loop.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TSA_SETTINGS_FILE } from '../../electron/services/tsa-settings';
import { tempDir } from '../support/db';
import { REPO_ROOT } from '../support/paths';
import { dn, issue, makeTestPki } from '../support/pki';
import { startTestTsa, TEST_TSA_CN, unreachableTsaUrl, type TestTsa } from '../support/tsa';

const PASSWORD = 'Mot de passe d’essai é';
const PASSWORD_VAR = 'QRR_TEST_TSA_P12_MDP';
const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const cli = (args: readonly string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile(tsx, ['cli/index.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, [PASSWORD_VAR]: PASSWORD } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

describe('command line: time-stamped reports', () => {
  let dir: string;
  let db: string;
  let p12File: string;
  let rootFile: string;
  let tsa: TestTsa;
  let down: string;
  const period = '2026-T4';

  beforeAll(async () => {
    dir = tempDir('qrr-cli-tsa-');
    db = path.join(dir, 'essai.sqlite');
    const pki = makeTestPki({ password: PASSWORD });
    [p12File, rootFile] = [path.join(dir, 'signature.p12'), path.join(dir, 'racine.pem')];
    fs.writeFileSync(p12File, pki.p12);
    fs.writeFileSync(rootFile, pki.rootPem);
    tsa = await startTestTsa({ issuer: pki.intermediate, chainPem: [forge.pki.certificateToPem(pki.intermediate.cert)] });
    down = await unreachableTsaUrl();
    const demo = await cli(['demo', '--db', db]);
    expect(demo.code, demo.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await tsa?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const sign = (out: string, ...extra: string[]) =>
    cli(['report', '--db', db, '--period', period, '--out', path.join(dir, out), '--p12', p12File, '--password-env', PASSWORD_VAR, ...extra]);

  it('--tsa URL: the report is time-stamped, and verify shows the proven time and the TSA (text and --json)', async () => {
    const run = await sign('horodate.pdf', '--tsa', tsa.url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Horodatage :\\s+\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}, par « ${TEST_TSA_CN} »\\n`));
    expect(tsa.queries).toHaveLength(1);

    const json = await cli(['verify', path.join(dir, 'horodate.pdf'), '--trust', rootFile, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const verdict = JSON.parse(json.stdout) as { valid: boolean; timestamp: { time: string; tsa: string; imprintMatches: boolean; trusted: boolean } };
    expect(verdict.valid).toBe(true);
    expect(verdict.timestamp).toMatchObject({ tsa: TEST_TSA_CN, imprintMatches: true, trusted: true });
    expect(Number.isNaN(Date.parse(verdict.timestamp.time))).toBe(false);

    const text = await cli(['verify', path.join(dir, 'horodate.pdf'), '--trust', rootFile]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`Horodatage :\\s+\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2} \\(heure de Paris\\), par « ${TEST_TSA_CN} » — prouvée par une autorité d’horodatage de confiance\\n`),
    );
  }, 120_000);

  it('an unreachable TSA: French message naming --without-timestamp, exit 1, no file; the configured TSA is used by default', async () => {
    const run = await sign('injoignable.pdf', '--tsa', down);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`L'autorité d'horodatage (${new URL(down).host}) est injoignable (connexion refusée).`);
    expect(run.stderr).toContain("Aucun rapport n'a été produit. Pour signer sans horodatage, relancez avec --without-timestamp.");
    expect(fs.existsSync(path.join(dir, 'injoignable.pdf'))).toBe(false);

    // The database's TSA (Paramètres) applies without --tsa.
    fs.writeFileSync(path.join(dir, TSA_SETTINGS_FILE), JSON.stringify({ tsaUrl: down }));
    const configured = await sign('configure.pdf');
    expect(configured.code).toBe(1);
    expect(configured.stderr).toContain('est injoignable (connexion refusée)');

    // The explicit choice: signed without a time-stamp.
    const without = await sign('sans-horodatage.pdf', '--without-timestamp');
    expect(without.code, without.stderr).toBe(0);
    expect(without.stdout).toMatch(/Horodatage :\s+aucun \(heure déclarée par le signataire\)\n/);
    const json = await cli(['verify', path.join(dir, 'sans-horodatage.pdf'), '--trust', rootFile, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, timestamp: null });
    fs.rmSync(path.join(dir, TSA_SETTINGS_FILE));
  }, 180_000);

  it('verify --trust refuses a time-stamp from a TSA that does not chain to the given roots (exit 1); without --trust it only reports it', async () => {
    const otherRoot = issue({ subject: dn('Autre autorité (test)', 'Ailleurs'), ca: true, serial: '78' });
    const stranger = await startTestTsa({ issuer: otherRoot, commonName: 'Horodatage étranger' });
    try {
      const run = await sign('horodatage-etranger.pdf', '--tsa', stranger.url);
      expect(run.code, run.stderr).toBe(0);
      const file = path.join(dir, 'horodatage-etranger.pdf');
      const trusted = await cli(['verify', file, '--trust', rootFile]);
      expect(trusted.code).toBe(1);
      expect(trusted.stdout).toMatch(/Horodatage :.*par « Horodatage étranger » — autorité d’horodatage NON reconnue\n/);
      expect(trusted.stdout).toContain('Résultat : horodatage NON valide — l’heure de signature n’est pas prouvée (voir les problèmes).');
      const json = JSON.parse((await cli(['verify', file, '--trust', rootFile, '--json'])).stdout) as Record<string, unknown>;
      expect(json).toMatchObject({ valid: false, trusted: true, timestamp: { tsa: 'Horodatage étranger', imprintMatches: true, trusted: false } });
      expect((await cli(['verify', file])).code).toBe(0);
    } finally {
      await stranger.close();
    }
  }, 120_000);

  it('contradictory or misplaced options are usage errors (exit 2)', async () => {
    const both = await sign('x.pdf', '--tsa', tsa.url, '--without-timestamp');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Choisissez entre --tsa (horodater la signature) et --without-timestamp (signer sans horodatage).');
    const unsigned = await cli(['report', '--db', db, '--period', period, '--out', path.join(dir, 'y.pdf'), '--tsa', tsa.url]);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toContain("Les options --tsa et --without-timestamp ne servent qu'avec un certificat de signature (--p12 ou --pkcs11).");
    const badUrl = await sign('z.pdf', '--tsa', 'ftp://tsa.interne/');
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain("--tsa : L'adresse de l'autorité d'horodatage doit commencer par http:// ou https://.");
  }, 120_000);
});
