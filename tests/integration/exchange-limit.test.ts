import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeExchangeFile } from '../../electron/services/exchange/export';
import { readExchangeSource } from '../../electron/services/exchange/sources';
import { serializeExchangeDocument } from '../../shared/exchange/format';
import { tempDir } from '../support/db';
import { exchangeDocumentOf } from '../support/exchange-documents';

/*
 * The application reads back what it writes: the export refuses, before
 * replacing anything, a file larger than the import reads (EXCHANGE_MAX_BYTES,
 * scaled down here), and what it writes is read back to the same document.
 */
const documentOf = exchangeDocumentOf;

describe('exchange file size: the import reads what the export writes', () => {
  it('writes in pieces the same text as serializeExchangeDocument, read back to the same document', async () => {
    const dir = tempDir('qrr-echange-taille-');
    try {
      const doc = documentOf(2000);
      const file = writeExchangeFile(doc, path.join(dir, 'qrr-93-2026-T3'));
      expect(file.endsWith('.qrr')).toBe(true);
      const bytes = fs.readFileSync(file);
      expect(bytes.length).toBeGreaterThan(4 * 65_536);
      expect(bytes.toString('utf8')).toBe(serializeExchangeDocument(doc));
      expect((await readExchangeSource(file)).document).toEqual(doc);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to write a file larger than the import reads, in French, leaving no file and the previous one intact', () => {
    const dir = tempDir('qrr-echange-taille-');
    try {
      const target = path.join(dir, 'qrr-93-2026-T3.qrr');
      fs.writeFileSync(target, 'fichier précédent');
      const doc = documentOf(200);
      const size = Buffer.byteLength(serializeExchangeDocument(doc));
      expect(() => writeExchangeFile(doc, target, size - 1)).toThrow(
        /^Ce fichier d'échange dépasserait 0 Mo, la taille la plus grande que l'application sait relire : exportez moins de trimestres à la fois/,
      );
      expect(fs.readdirSync(dir)).toEqual(['qrr-93-2026-T3.qrr']);
      expect(fs.readFileSync(target, 'utf8')).toBe('fichier précédent');
      // At the limit exactly: written.
      writeExchangeFile(doc, target, size);
      expect(fs.statSync(target).size).toBe(size);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
