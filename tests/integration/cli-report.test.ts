/**
 * `npm run cli -- report` and `verify`, run as child processes like a user
 * would: the département demonstration, a report signed with a test .p12
 * (password through an environment variable), checked by poppler's pdfsig and
 * by `verify`; a tampered copy, an unsigned report, the transmission, and the
 * refusals in French with their exit codes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnly, tempDir } from '../support/db';
import { CLI_ENTRY, REPO_ROOT } from '../support/paths';
import { certificatePem, dn, issue, makeTestPki, TEST_SIGNER_CN } from '../support/pki';

const PASSWORD = 'Mot-de-passe-QRR-2026 é!';
const PASSWORD_VAR = 'QRR_TEST_P12_MDP';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], env: Record<string, string | undefined> = {}): Run {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, [PASSWORD_VAR]: undefined, ...env };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const result = spawnSync(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: childEnv });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const withPassword = { [PASSWORD_VAR]: PASSWORD };

const hasCertutil = (() => {
  try {
    execFileSync('certutil', ['-H'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== 'ENOENT';
  }
})();

describe('command line: report and verify', () => {
  let dir: string;
  let db: string;
  let p12File: string;
  let rootFile: string;
  let otherRootFile: string;
  let openPeriod: string;
  let signedFile: string;
  let nssDir: string;

  /** pdfsig needs an initialised NSS database (see report.test.ts); always exits 0, so its output is read. */
  const pdfsig = (file: string): string => {
    try {
      return execFileSync('pdfsig', [...(hasCertutil ? ['-nssdir', nssDir] : []), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      return `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
  };
  const periodState = (code: string): string =>
    readOnly(db, (conn) => (conn.prepare('SELECT state FROM period WHERE code = ?').get(code) as { state: string }).state);
  const reportRows = (): number => readOnly(db, (conn) => (conn.prepare('SELECT COUNT(*) AS n FROM report').get() as { n: number }).n);

  beforeAll(() => {
    dir = tempDir('qrr-cli-report-');
    db = path.join(dir, 'demo.sqlite');
    const pki = makeTestPki({ password: PASSWORD });
    p12File = path.join(dir, 'signature.p12');
    fs.writeFileSync(p12File, pki.p12);
    rootFile = path.join(dir, 'racine.pem');
    fs.writeFileSync(rootFile, pki.rootPem);
    otherRootFile = path.join(dir, 'autre-racine.pem');
    fs.writeFileSync(otherRootFile, certificatePem(issue({ subject: dn('Autre racine', 'Ailleurs'), ca: true, serial: '09' })));
    nssDir = path.join(dir, 'nss');
    fs.mkdirSync(nssDir);
    if (hasCertutil) execFileSync('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password']);

    const demo = cli(['demo', '--db', db]);
    expect(demo.code, demo.stderr).toBe(0);
    const periods = cli(['periods', '--db', db]);
    expect(periods.code, periods.stderr).toBe(0);
    openPeriod = /^\s+(\d{4}-T[1-4])\s.*\souvert$/m.exec(periods.stdout)![1]!;
  }, 120_000);

  afterAll(() => {
    if (dir && !process.env.QRR_KEEP_REPORT) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('produces a signed report (password from the environment), valid for pdfsig, without transmitting', () => {
    signedFile = path.join(dir, 'rapport-signe.pdf');
    const run = cli(
      ['report', '--db', db, '--period', openPeriod, '--out', signedFile, '--p12', p12File, '--password-env', PASSWORD_VAR, '--trust', rootFile],
      withPassword,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(fs.existsSync(signedFile)).toBe(true);
    const bytes = fs.readFileSync(signedFile);
    expect(run.stdout).toContain(`enregistré : ${signedFile}`);
    expect(run.stdout).toMatch(/Pages :\s+\d+\n/);
    expect(run.stdout).toMatch(/Taille :\s+[\d,]+ Ko\n/);
    expect(run.stdout).toContain(createHash('sha256').update(bytes).digest('hex'));
    expect(run.stdout).toMatch(new RegExp(`Signé par :\\s+${TEST_SIGNER_CN}\\n`));
    expect(run.stdout).toMatch(/Certificat de confiance :\s+oui\n/);
    expect(run.stdout).toMatch(/Trimestre transmis :\s+non \(ouvert\)/);
    // The password never shows; no temporary folder left beside the file.
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.rapport-qrr-'))).toEqual([]);
    expect(periodState(openPeriod)).toBe('open');

    const sig = pdfsig(signedFile);
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Total document signed');
    expect(sig).toContain(`Signer Certificate Common Name: ${TEST_SIGNER_CN}`);
  }, 120_000);

  it('verifies the signed report: JSON verdict, French text, exit code 0; another root refused', () => {
    const json = cli(['verify', signedFile, '--trust', rootFile, '--json']);
    expect(json.code, json.stderr + json.stdout).toBe(0);
    const verdict = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(verdict).toMatchObject({
      valid: true,
      signed: true,
      signer: TEST_SIGNER_CN,
      wholeFileCovered: true,
      intact: true,
      trusted: true,
      attachmentFound: true,
      problems: [],
    });
    expect(Date.parse(verdict.signingTime as string)).toBeGreaterThan(Date.now() - 10 * 60_000);

    const text = cli(['verify', signedFile]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Signé :\s+oui\n/);
    expect(text.stdout).toContain(TEST_SIGNER_CN);
    expect(text.stdout).toMatch(/Date de signature :\s+\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(text.stdout).toMatch(/Document entier couvert :\s+oui\n/);
    expect(text.stdout).toMatch(/Intact :\s+oui\n/);
    expect(text.stdout).toMatch(/Certificat de confiance :\s+non vérifié/);
    expect(text.stdout).toMatch(/Données jointes trouvées :\s+oui \(rapport-qrr-\d+-\d{4}-T\d\.json\), protégées par la signature/);
    expect(text.stdout).toContain('Résultat : signature valide');

    // With --trust, trust is required too.
    const other = cli(['verify', signedFile, '--trust', otherRootFile]);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/Certificat de confiance :\s+non\n/);
    expect(other.stdout).toContain('ne remonte pas à une autorité de confiance');
  }, 120_000);

  it('detects a byte changed after signing: non-zero exit, in French', () => {
    const tampered = Buffer.from(fs.readFileSync(signedFile));
    const text = tampered.toString('latin1');
    const b = Number(/\/ByteRange \[0 (\d+) \d+ \d+\]/.exec(text)![1]);
    const at = text.indexOf('stream', Math.floor(b / 3)) + 40;
    expect(at).toBeLessThan(b);
    tampered[at] = tampered[at]! ^ 0x01;
    const file = path.join(dir, 'rapport-modifie.pdf');
    fs.writeFileSync(file, tampered);

    const run = cli(['verify', file, '--trust', rootFile]);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(/Intact :\s+non\n/);
    expect(run.stdout).toContain('Le document a été modifié après sa signature');
    expect(run.stdout).toContain('Résultat : signature NON valide');

    const json = cli(['verify', file, '--json']);
    expect(json.code).not.toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, signed: true, intact: false });
  }, 120_000);

  it('refuses in French with exit code 1: wrong password, missing variable, unknown period, untrusted root — nothing produced', () => {
    const rows = reportRows();
    const out = path.join(dir, 'refus.pdf');
    const base = ['report', '--db', db, '--period', openPeriod, '--out', out, '--p12', p12File, '--password-env', PASSWORD_VAR];

    const wrong = cli(base, { [PASSWORD_VAR]: 'pas le bon' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^Erreur : Mot de passe du certificat incorrect/m);

    const missing = cli(base);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`La variable d'environnement ${PASSWORD_VAR} n'est pas définie`);

    const unknown = cli(['report', '--db', db, '--period', '2019-T1', '--out', out]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Erreur : La période 1er trimestre 2019 n'a pas encore été ouverte.");

    const untrusted = cli([...base, '--trust', otherRootFile, '--transmit'], withPassword);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain('ne remonte à aucune autorité de confiance fournie');

    expect(fs.existsSync(out)).toBe(false);
    expect(reportRows()).toBe(rows);
    expect(periodState(openPeriod)).toBe('open');
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.rapport-qrr-'))).toEqual([]);
  }, 120_000);

  it('refuses command line mistakes with exit code 2: password on the command line, --transmit unsigned, bad period', () => {
    const out = path.join(dir, 'refus.pdf');
    const password = cli(['report', '--db', db, '--period', openPeriod, '--out', out, '--p12', p12File, '--password', PASSWORD]);
    expect(password.code).toBe(2);
    expect(password.stderr).toContain('ne se donne jamais sur la ligne de commande');

    const unsignedTransmit = cli(['report', '--db', db, '--period', openPeriod, '--out', out, '--transmit']);
    expect(unsignedTransmit.code).toBe(2);
    expect(unsignedTransmit.stderr).toContain('Seul un rapport signé peut accompagner la transmission');

    const badPeriod = cli(['report', '--db', db, '--period', '2026-Q4', '--out', out]);
    expect(badPeriod.code).toBe(2);
    expect(badPeriod.stderr).toContain("« 2026-Q4 » n'est pas un trimestre");

    const noFile = cli(['verify']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('Indiquez le fichier PDF à vérifier');
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);

  it('produces an unsigned report that verify rejects as « non signé »', () => {
    const file = path.join(dir, 'rapport-non-signe.pdf');
    const run = cli(['report', '--db', db, '--period', openPeriod, '--out', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Signé par :\s+non signé\n/);

    const check = cli(['verify', file]);
    expect(check.code).not.toBe(0);
    expect(check.stdout).toMatch(/Signé :\s+non\n/);
    expect(check.stdout).toContain('Résultat : document non signé.');
    expect(check.stdout).toMatch(/oui \(rapport-qrr-[^)]+\), NON protégées par la signature/);

    const json = cli(['verify', file, '--json']);
    expect(json.code).not.toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, signed: false, signer: null, attachmentFound: true });
  }, 120_000);

  it('--transmit marks the quarter transmitted with the signed report, then refuses a second transmission', () => {
    const file = path.join(dir, 'rapport-transmis.pdf');
    const run = cli(['report', '--db', db, '--period', openPeriod, '--out', file, '--p12', p12File, '--password-env', PASSWORD_VAR, '--transmit', '--confirm-incomplete'], withPassword);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Trimestre transmis :\s+oui, transmis le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} avec ce rapport/);
    expect(periodState(openPeriod)).toBe('transmitted');
    const record = readOnly(db, (conn) => conn.prepare('SELECT signed, transmitted, signer, sha256 FROM report ORDER BY id DESC LIMIT 1').get());
    expect(record).toEqual({ signed: 1, transmitted: 1, signer: TEST_SIGNER_CN, sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex') });

    const periods = cli(['periods', '--db', db]);
    expect(periods.stdout).toMatch(new RegExp(`^\\s+${openPeriod}\\s.*\\stransmis le `, 'm'));

    const again = cli(['report', '--db', db, '--period', openPeriod, '--out', path.join(dir, 'encore.pdf'), '--p12', p12File, '--password-env', PASSWORD_VAR, '--transmit', '--confirm-incomplete'], withPassword);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Erreur : Le .+ est déjà transmis\./);
    expect(fs.existsSync(path.join(dir, 'encore.pdf'))).toBe(false);
  }, 120_000);
});
