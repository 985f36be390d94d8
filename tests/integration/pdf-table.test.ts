/**
 * The report's own table wrapping (electron/services/report/pdf-table.ts)
 * breaks lines exactly where jsPDF's splitTextToSize does — what autotable
 * used — for the embedded DejaVu fonts: French text with accents, narrow
 * no-break spaces, long words, several spaces, any width.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPdfDocument, FONT, loadReportFonts } from '../../electron/services/report/pdf-kit';
import { wrapText } from '../../electron/services/report/pdf-table';
import { runs } from '../support/property';

const doc = createPdfDocument(loadReportFonts(), '2026-11-26T10:00:00.000Z');
const jsPdfLines = (text: string, width: number, size: number, bold: boolean): string[] => {
  doc.setFont(FONT, bold ? 'bold' : 'normal');
  doc.setFontSize(size);
  return doc.splitTextToSize(text, width) as string[];
};

const words = ['Déployer', 'des', 'dispositifs', "d'apprentissages", 'professionnelles', 'éphémères', '1\u202f234,56\u00a0€', '—', '«', '»', 'œuvre', 'QN09301M', 'rapport-qrr-93-2026-T4-signe.pdf', 'x'.repeat(60), ''];

describe('wrapText', () => {
  it('breaks a known action label where jsPDF does, at the width of the report table column', () => {
    const text = "Déployer des dispositifs d'apprentissages et de formations professionnelles éphémères, en développant des partenariats occasionnels adaptés = formations professionnelles éphémères (ex. : Cuisine Mode d'Emploi) ou parcours d'accompagnement / orientations professionnelles (ex. : Pass'Sport pour l'Emploi).";
    const width = 87.00155555555551 - 2.6 + 25.4 / 72;
    expect(wrapText(doc, text, width, 7.5, false)).toEqual(jsPdfLines(text, width, 7.5, false));
    expect(wrapText(doc, text, width, 7.5, false)[2]).toBe('occasionnels adaptés = formations professionnelles éphémères');
  });

  it('gives the lines of jsPDF splitTextToSize for any text, width, size and weight', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...words), { maxLength: 40 }),
        fc.array(fc.constantFrom(' ', '  ', '\n'), { maxLength: 40 }),
        fc.double({ min: 3, max: 180, noNaN: true }),
        fc.constantFrom(6.2, 7.5, 9.5, 16),
        fc.boolean(),
        (parts, separators, width, size, bold) => {
          const text = parts.map((w, i) => w + (separators[i] ?? ' ')).join('');
          expect(wrapText(doc, text, width, size, bold)).toEqual(jsPdfLines(text, width, size, bold));
        },
      ),
      { numRuns: runs(300) },
    );
  });
});
