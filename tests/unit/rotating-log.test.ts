import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRotatingLog, formatLogLine, logsDirOf, maskSecretsInText, redact, REDACTED } from '../../electron/services/desktop/rotating-log';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-log-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const at = new Date('2026-11-26T10:00:00.000Z');
const read = (file: string) => fs.readFileSync(file, 'utf8');
const lines = (file: string) => read(file).split('\n').filter(Boolean);

describe('rotating log', () => {
  it('appends dated, levelled lines to journaux/qrr.log, details as one-line JSON', () => {
    const logsDir = logsDirOf(dir);
    expect(logsDir).toBe(path.join(dir, 'journaux'));
    const log = createRotatingLog(logsDir, { now: () => at });
    expect(log.file).toBe(path.join(dir, 'journaux', 'qrr.log'));
    log.info('Démarrage', { version: '0.1.0' });
    log.warn('Attention\nsur deux lignes');
    log.error('Échec', { n: 1 });
    expect(lines(log.file)).toEqual([
      '2026-11-26T10:00:00.000Z [INFO] Démarrage {"version":"0.1.0"}',
      '2026-11-26T10:00:00.000Z [WARN] Attention\\nsur deux lignes',
      '2026-11-26T10:00:00.000Z [ERROR] Échec {"n":1}',
    ]);
  });

  it('serialises errors with name, message, stack and cause', () => {
    const error = new TypeError('valeur inattendue', { cause: new Error('racine') });
    const line = formatLogLine(at, 'ERROR', 'Erreur non traitée', error);
    const details = JSON.parse(line.slice(line.indexOf('{'))) as Record<string, any>;
    expect(details.name).toBe('TypeError');
    expect(details.message).toBe('valeur inattendue');
    expect(details.stack).toContain('valeur inattendue');
    expect(details.cause.message).toBe('racine');
    // Nested, too.
    const nested = JSON.parse(formatLogLine(at, 'ERROR', 'x', { reason: error }).split(' x ')[1]!) as Record<string, any>;
    expect(nested.reason.name).toBe('TypeError');
  });

  it('never writes secrets, whatever their depth or case', () => {
    const log = createRotatingLog(dir, { now: () => at });
    log.info('Rapport signé', {
      password: 'hunter2',
      request: { motDePasse: 'secret-fr', p12Base64: 'MIIKAAA', pdfBase64: 'JVBERi0x', items: [{ PASSWORD: 'x' }] },
      file: 'rapport.pdf',
    });
    const text = read(log.file);
    for (const secret of ['hunter2', 'secret-fr', 'MIIKAAA', 'JVBERi0x', '"x"']) expect(text).not.toContain(secret);
    expect(text).toContain('rapport.pdf');
    expect(text.match(new RegExp(REDACTED.replace(/[[\]]/g, '\\$&'), 'g'))).toHaveLength(5);
  });

  it('never writes a smart card PIN (generateReport with a token signature)', () => {
    const log = createRotatingLog(dir, { now: () => at });
    log.info('Request generateReport failed', {
      request: { periodCode: '2026-T4', signature: { token: { tokenLabel: 'Carte agent', certificateId: '01' }, pin: '975310', visible: true }, codePin: '24680' },
    });
    const text = read(log.file);
    for (const secret of ['975310', '24680']) expect(text).not.toContain(secret);
    expect(text).toContain('Carte agent');
  });

  it('survives cycles, binary data, bigints and throwing getters', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    expect(redact({ cyclic, bytes: new Uint8Array(2048), big: 10n, hostile, nan: Number.NaN })).toEqual({
      cyclic: { name: 'a', self: '[référence circulaire]' },
      bytes: '[2048 octets]',
      big: '10',
      hostile: { boom: '[illisible]' },
      nan: 'NaN',
    });
    const log = createRotatingLog(dir);
    expect(() => log.info('cycle', cyclic)).not.toThrow();
    expect(read(log.file)).toContain('[INFO] cycle');
  });

  it('rotates past maxBytes to qrr.1.log … qrr.<keep>.log, dropping the oldest', () => {
    const log = createRotatingLog(dir, { maxBytes: 200, keep: 3, now: () => at });
    // Each line is 41 bytes: 4 fit in 200 bytes, so 30 lines fill 7 files and start an 8th.
    for (let i = 0; i < 30; i++) log.info(`ligne ${String(i).padStart(2, '0')}`);
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(['qrr.1.log', 'qrr.2.log', 'qrr.3.log', 'qrr.log']);
    for (const name of files) expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(200);
    // Newest in qrr.log, then qrr.1.log, and so on: order kept, nothing duplicated.
    const all = ['qrr.3.log', 'qrr.2.log', 'qrr.1.log', 'qrr.log'].flatMap((name) => lines(path.join(dir, name)));
    const numbers = all.map((line) => Number(/ligne (\d+)/.exec(line)![1]));
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => 30 - numbers.length + i));
    expect(numbers.at(-1)).toBe(29);
    // qrr.log holds the last 2, each of the 3 rotated files 4: 14 lines kept.
    expect(numbers.length).toBe(14);
  });

  it('defaults to 1 Mio and 5 files, and writes an oversized line alone in a fresh file', () => {
    const log = createRotatingLog(dir, { now: () => at });
    const big = 'x'.repeat(10_000);
    for (let i = 0; i < 8 * 110; i++) log.info(big);
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(['qrr.1.log', 'qrr.2.log', 'qrr.3.log', 'qrr.4.log', 'qrr.5.log', 'qrr.log']);
    for (const name of files) expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(1024 * 1024);

    const small = createRotatingLog(path.join(dir, 'petit'), { maxBytes: 50, keep: 1 });
    small.info('a'.repeat(100));
    small.info('b'.repeat(100));
    expect(read(small.file)).toContain('b'.repeat(100));
    expect(read(path.join(dir, 'petit', 'qrr.1.log'))).toContain('a'.repeat(100));
  });

  it('never throws, even when its folder cannot be created or written', () => {
    const blocker = path.join(dir, 'un-fichier');
    fs.writeFileSync(blocker, 'pas un dossier');
    const echoed: string[] = [];
    const log = createRotatingLog(path.join(blocker, 'journaux'), { echo: (line) => echoed.push(line) });
    expect(() => {
      log.info('perdu');
      log.error('perdu aussi', new Error('x'));
    }).not.toThrow();
    expect(fs.existsSync(log.file)).toBe(false);
    // The development echo still sees the lines.
    expect(echoed).toHaveLength(2);

    const failing = createRotatingLog(dir, {
      now: () => {
        throw new Error('horloge');
      },
      echo: () => {
        throw new Error('console');
      },
    });
    expect(() => failing.warn('quand même')).not.toThrow();
    expect(read(failing.file)).toContain('[WARN] quand même');
  });
});

describe('issue 15 « Small ones »: log masking by key and by value pattern', () => {
  it('masks pin, pwd, passwd, secret, mot_de_passe, token… whatever the key spelling, at any depth', () => {
    const details = {
      pin: '1234',
      pwd: 'a',
      passwd: 'b',
      secret: 'c',
      mot_de_passe: 'd',
      'Mot-De-Passe': 'e',
      accessToken: 'f',
      clientSecret: 'g',
      nested: [{ userPassword: 'h', api_key: 'i' }],
      spin: 'not a pin',
      tokenizer: 'masked too: a key containing « token »',
    };
    const out = redact(details) as Record<string, unknown>;
    for (const key of ['pin', 'pwd', 'passwd', 'secret', 'mot_de_passe', 'Mot-De-Passe', 'accessToken', 'clientSecret']) expect(out[key]).toBe(REDACTED);
    expect(out.nested).toEqual([{ userPassword: REDACTED, api_key: REDACTED }]);
    expect(out.spin).toBe('not a pin');
  });

  it('masks secrets written inside texts: messages, errors, command lines, PEM private keys', () => {
    const pem = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----';
    const cases: [string, string][] = [
      ['connexion password=hunter2 refusée', `connexion password=${REDACTED} refusée`],
      ['pwd: s3cr3t', `pwd: ${REDACTED}`],
      ['mot_de_passe="Azerty!1", utilisateur=bob', `mot_de_passe="${REDACTED}", utilisateur=bob`],
      ['pkcs11-tool --pin 1234 --login', `pkcs11-tool --pin ${REDACTED} --login`],
      ['Authorization: Bearer eyJhbGciOi.abc.def', `Authorization: Bearer ${REDACTED}`],
      [`clé : ${pem}`, `clé : [clé privée ${REDACTED}]`],
      ['SPIN=3 opinion: bonne', 'SPIN=3 opinion: bonne'],
    ];
    for (const [text, expected] of cases) expect(maskSecretsInText(text)).toBe(expected);
    const error = new Error('échec : passwd=abc');
    const out = redact({ error }) as { error: { message: string; stack: string } };
    expect(out.error.message).toBe(`échec : passwd=${REDACTED}`);
    expect(out.error.stack).not.toContain('abc');
    expect(formatLogLine(new Date('2026-01-01T00:00:00Z'), 'ERROR', 'token=xyz')).toBe(`2026-01-01T00:00:00.000Z [ERROR] token=${REDACTED}`);
  });
});
