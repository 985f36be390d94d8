/**
 * `report --pkcs11 MODULE [--slot N] [--cert-label L] --pin-env VAR`: the
 * command line signs with a SoftHSM2 token made here (RSA and ECDSA keys with
 * the test PKI's certificates). The PIN is only ever read from the variable
 * named by --pin-env; a refusal leaves no file and the quarter untouched.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTokenCertificates } from '../../electron/services/report/pkcs11-signer';
import { readOnly, tempDir } from '../support/db';
import { writeIssuer } from '../support/openssl-pki';
import { CLI_ENTRY, REPO_ROOT } from '../support/paths';
import { independentVerdict } from '../support/pdf-tools';
import { makeTestPki } from '../support/pki';
import { addSigner, hasSoftHsm, initToken, SOFTHSM_MODULE, type TestToken } from '../support/softhsm';

const PIN_VAR = 'QRR_TEST_PIN';
const RSA_CN = 'Dominique Bernard — carte agent';
const EC_CN = 'Dominique Bernard — clé USB ECDSA';

function cli(args: readonly string[], env: Record<string, string> = {}) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!(PIN_VAR in env)) delete childEnv[PIN_VAR];
  const result = spawnSync(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: childEnv });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!hasSoftHsm())('report --pkcs11 (SoftHSM2 token)', () => {
  let dir: string;
  let db: string;
  let token: TestToken;
  const periodState = (): string => readOnly(db, (d) => (d.prepare("SELECT state FROM period WHERE code = '2026-T4'").get() as { state: string }).state);

  beforeAll(() => {
    dir = tempDir('qrr-cli-pkcs11-');
    token = initToken(dir, 'Carte CLI', '2468');
    const issuer = writeIssuer(dir, makeTestPki({ password: 'inutilisé' }));
    addSigner(token, dir, issuer, { kind: 'RSA 2048', commonName: RSA_CN, serial: 3001, id: '0a', label: 'Signature RSA' });
    addSigner(token, dir, issuer, { kind: 'ECDSA P-384', commonName: EC_CN, serial: 3002, id: '0b', label: 'Signature ECDSA' });
    db = path.join(dir, 'essai.sqlite');
    expect(cli(['demo', '--db', db]).code).toBe(0);
  }, 180_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const base = () => ['report', '--db', db, '--period', '2026-T4', '--out', path.join(dir, 'rapport.pdf'), '--pkcs11', SOFTHSM_MODULE];

  it('refuses the PIN on the command line, and --pkcs11 without --pin-env (exit 2)', () => {
    const pin = cli([...base(), '--pin', token.pin]);
    expect(pin.code).toBe(2);
    expect(pin.stderr).toContain('Le code PIN de la carte ne se donne jamais sur la ligne de commande');
    const noEnv = cli(base());
    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toContain('Indiquez --pin-env VARIABLE');
    const both = cli([...base(), '--pin-env', PIN_VAR, '--p12', 'x.p12', '--password-env', 'X']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Choisissez un seul certificat');
  }, 60_000);

  it('asks which certificate when the card has several, and refuses a wrong PIN, leaving nothing behind (exit 1)', () => {
    const several = cli([...base(), '--pin-env', PIN_VAR], { [PIN_VAR]: token.pin });
    expect(several.code).toBe(1);
    expect(several.stderr).toContain('Plusieurs certificats de signature conviennent ; précisez lequel');
    expect(several.stderr).toContain('étiquette « Signature ECDSA »');

    const wrong = cli([...base(), '--cert-label', 'Signature RSA', '--pin-env', PIN_VAR, '--transmit', '--confirm-incomplete'], { [PIN_VAR]: '0000' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Code PIN incorrect : rien n’a été signé');
    expect(wrong.stderr).not.toContain('0000');
    expect(fs.existsSync(path.join(dir, 'rapport.pdf'))).toBe(false);
    expect(periodState()).not.toBe('transmitted');
  }, 60_000);

  it('signs on the card and transmits: pdfsig and mutool accept the report', async () => {
    const [slot] = (await listTokenCertificates(SOFTHSM_MODULE)).filter((c) => c.label === 'Signature ECDSA').map((c) => c.slot);
    const run = cli([...base(), '--slot', String(slot), '--cert-label', 'Signature ECDSA', '--pin-env', PIN_VAR, '--transmit', '--confirm-incomplete'], { [PIN_VAR]: token.pin });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Signé par`);
    expect(run.stdout).toContain(EC_CN);
    expect(run.stdout).toMatch(/Trimestre transmis\s*:?\s*oui/);
    const verdict = independentVerdict(path.join(dir, 'rapport.pdf'));
    expect(verdict, verdict.output).toMatchObject({ pdfsigValid: true, wholeDocument: true, mutoolUnchanged: true });
    expect(periodState()).toBe('transmitted');
  }, 60_000);
});
