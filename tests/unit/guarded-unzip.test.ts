import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { inflateZipEntries, listZipEntries, memorySink, type ZipSink } from '../../electron/services/guarded-unzip';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/** A real zip (deflate), as the application and spreadsheet programs write them. */
function zipOf(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, content]) => [name, strToU8(content)])), { level: 6 });
}

/** Makes the central directory lie about an entry's size (what a zip bomb does). */
function declareSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  for (let offset = 0; offset + 46 <= copy.length; offset++) {
    if (view.getUint32(offset, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(offset + 28, true);
    if (Buffer.from(copy.subarray(offset + 46, offset + 46 + nameLength)).toString('utf8') === name) {
      view.setUint32(offset + 24, size, true);
      return copy;
    }
  }
  throw new Error(`${name} absent du répertoire central`);
}

function declaredOf(zip: Uint8Array): Map<string, number> {
  const listing = listZipEntries(zip, 100);
  if (!listing.ok) throw new Error(listing.problem);
  return new Map(listing.entries.map((e) => [e.name, e.originalSize]));
}

function inflateAll(zip: Uint8Array, declared: ReadonlyMap<string, number>, maxUncompressedBytes = 1_000_000, want = (_name: string) => true) {
  const sinks = new Map<string, ReturnType<typeof memorySink>>();
  const closed: string[] = [];
  const result = inflateZipEntries(zip, declared, {
    want,
    sinkFor: (name): ZipSink => {
      const sink = memorySink();
      sinks.set(name, sink);
      return { write: sink.write, close: () => void closed.push(name) };
    },
    maxUncompressedBytes,
    pushChunk: 64,
  });
  return { ...result, sinks, closed };
}

const big = 'Quartier de reconquête républicaine — '.repeat(400);

describe('guarded unzip', () => {
  it('lists the central directory without inflating, and refuses what is not a zip or has too many entries', () => {
    const zip = zipOf({ 'a.txt': 'un', 'b/c.xml': big });
    const listing = listZipEntries(zip, 10);
    expect(listing).toEqual({
      ok: true,
      entries: [
        { name: 'a.txt', originalSize: 2, compression: 8 },
        { name: 'b/c.xml', originalSize: Buffer.byteLength(big), compression: 8 },
      ],
    });
    expect(listZipEntries(zip, 1)).toEqual({ ok: false, problem: 'tooManyEntries' });
    expect(listZipEntries(strToU8('PK pas vraiment un zip, mais assez long'), 10)).toEqual({ ok: false, problem: 'notZip' });
    expect(listZipEntries(zip.subarray(0, zip.length - 10), 10)).toEqual({ ok: false, problem: 'notZip' });
  });

  it('inflates every wanted entry into its sink and closes it', () => {
    const zip = zipOf({ 'a.txt': 'un', 'b/c.xml': big, 'd.bin': '' });
    const { problem, sinks, closed, inflatedBytes } = inflateAll(zip, declaredOf(zip));
    expect(problem).toBeNull();
    expect(text(sinks.get('b/c.xml')!.bytes())).toBe(big);
    expect(text(sinks.get('a.txt')!.bytes())).toBe('un');
    expect(sinks.get('d.bin')!.bytes().length).toBe(0);
    expect(closed.sort()).toEqual(['a.txt', 'b/c.xml', 'd.bin']);
    expect(inflatedBytes).toBe(2 + Buffer.byteLength(big));
  });

  it('inflates only what is wanted', () => {
    const zip = zipOf({ 'manifeste.json': '{}', 'base.sqlite': big });
    const { problem, sinks } = inflateAll(zip, declaredOf(zip), 1_000_000, (name) => name === 'manifeste.json');
    expect(problem).toBeNull();
    expect([...sinks.keys()]).toEqual(['manifeste.json']);
  });

  it('stops an entry that grows beyond its declared size, before inflating the rest', () => {
    const zip = declareSize(zipOf({ 'bombe.xml': big, 'suite.txt': 'après' }), 'bombe.xml', 100);
    const { problem, inflatedBytes, sinks, closed } = inflateAll(zip, declaredOf(zip));
    expect(problem).toEqual({ kind: 'larger', name: 'bombe.xml' });
    expect(inflatedBytes).toBeLessThan(Buffer.byteLength(big));
    expect(sinks.has('suite.txt')).toBe(false);
    // The sink opened for the refused entry is closed all the same.
    expect(closed).toEqual(['bombe.xml']);
  });

  it('stops when the total passes the limit', () => {
    const zip = zipOf({ 'un.xml': big, 'deux.xml': big });
    const { problem } = inflateAll(zip, declaredOf(zip), Buffer.byteLength(big) + 10);
    expect(problem).toEqual({ kind: 'total' });
  });

  it('refuses an archive whose entries disagree with the central directory, or that is cut short', () => {
    const zip = zipOf({ 'a.txt': 'un', 'b.xml': big });
    expect(inflateAll(zip, new Map([['a.txt', 2]])).problem).toEqual({ kind: 'inconsistent' });
    const declared = declaredOf(zip);
    // Cut inside the second entry's compressed data (its local header ends ~80 bytes in).
    const cut = inflateAll(zip.subarray(0, 100), declared).problem;
    expect(cut?.kind === 'incomplete' || cut?.kind === 'corrupt' || cut?.kind === 'damaged').toBe(true);
  });
});
