import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicStreamed } from '../../electron/services/atomic-write';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-atomic-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates the folder and writes text as UTF-8, bytes as they are', () => {
    const text = path.join(dir, 'a', 'b', 'réglages.json');
    writeFileAtomic(text, '{"tsaUrl":"http://horodatage.exemple.fr"} — été\n');
    expect(fs.readFileSync(text, 'utf8')).toBe('{"tsaUrl":"http://horodatage.exemple.fr"} — été\n');
    const binary = path.join(dir, 'octets.bin');
    writeFileAtomic(binary, new Uint8Array([0, 255, 1, 254]));
    expect([...fs.readFileSync(binary)]).toEqual([0, 255, 1, 254]);
    expect(fs.readdirSync(dir).sort()).toEqual(['a', 'octets.bin']);
  });

  it('replaces an existing file whole, leaving no temporary file', () => {
    const file = path.join(dir, 'fichier.qrr');
    writeFileAtomic(file, 'première version, plus longue que la seconde');
    writeFileAtomic(file, 'seconde');
    expect(fs.readFileSync(file, 'utf8')).toBe('seconde');
    expect(fs.readdirSync(dir)).toEqual(['fichier.qrr']);
  });

  it('on failure throws, keeps what was there and removes its temporary file', () => {
    // A non-empty folder at the target: the rename fails after the temporary file was written.
    const target = path.join(dir, 'occupé');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'dedans.txt'), 'intact');
    expect(() => writeFileAtomic(target, 'nouveau contenu')).toThrow();
    expect(fs.readFileSync(path.join(target, 'dedans.txt'), 'utf8')).toBe('intact');
    expect(fs.readdirSync(dir)).toEqual(['occupé']);
  });
});

describe('writeFileAtomicStreamed', () => {
  it('writes the pieces in order and replaces the file whole', () => {
    const file = path.join(dir, 'sous-dossier', 'national.qrr');
    writeFileAtomic(file, 'ancienne version');
    writeFileAtomicStreamed(file, (put) => {
      for (const piece of ['{"a":', '"été"', ',"b":2}']) put(new TextEncoder().encode(piece));
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":"été","b":2}');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['national.qrr']);
  });

  it('when the producer throws midway: the error comes out, the old file stays whole, no temporary file', () => {
    const file = path.join(dir, 'national.qrr');
    writeFileAtomic(file, 'version précédente');
    const refusal = new Error('trop gros');
    expect(() =>
      writeFileAtomicStreamed(file, (put) => {
        put(new TextEncoder().encode('début du nouveau fichier'));
        throw refusal;
      }),
    ).toThrow(refusal);
    expect(fs.readFileSync(file, 'utf8')).toBe('version précédente');
    expect(fs.readdirSync(dir)).toEqual(['national.qrr']);
  });
});
