/**
 * Where a report's signature lies in the file, checked strictly before any
 * cryptography: the /ByteRange, the unsigned gap between its two ranges (it
 * must be exactly `<` + hexadecimal digits + `>`), and the signed revision —
 * the file up to the end of the second range, read through its own
 * cross-reference sections (pdf-revision.ts) — in which exactly one signature
 * field designates a signature dictionary whose /Contents is that gap, no
 * other object overlaps the gap and no object number is defined twice.
 *
 * Any trace of a signature that does not hold together is a French problem:
 * the caller then says « signature invalide », never « non signé ».
 *
 * Plain Node, never imports electron.
 */
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRef, type PDFObject } from 'pdf-lib';
import { PdfStructureError, readRevision, topLevelObjectHeaders, type PdfRevision } from './pdf-revision';

/** Anything that says a signature is (or was) there: a dictionary or field, even with a key renamed. */
const SIGNATURE_MARKERS = /\/ByteRange\b|\/Type\s*\/Sig\b|\/FT\s*\/Sig\b|\/Adobe\.PPKLite\b|\/SubFilter\s*\/(?:ETSI\.|adbe\.)|\/SigFlags\b/;

export const hasSignatureMarkers = (text: string): boolean => SIGNATURE_MARKERS.test(text);

export type ByteRange = readonly [number, number, number, number];

export interface SignatureLayout {
  readonly byteRange: ByteRange;
  /** What lies between `<` and `>` in the gap. */
  readonly contentsHex: string;
  /** The second range ends at the file's last byte: nothing was added after signing. */
  readonly coversWholeFile: boolean;
}

const fail = (problem: string) => ({ ok: false as const, problem });
const BAD_RANGE = 'La signature est mal formée (plage d’octets signée incohérente) : le document a été modifié.';

/** The one /ByteRange of the file and its gap, from the raw bytes (latin1 `text`). */
export function locateSignature(text: string): { ok: true; layout: SignatureLayout } | { ok: false; problem: string } {
  const keys = text.match(/\/ByteRange\b/g)?.length ?? 0;
  if (keys === 0) return fail('Le document porte une signature dont la plage d’octets signée (/ByteRange) est absente : il a été modifié.');
  if (keys > 1) return fail(`Le document porte ${keys} signatures ou plages signées : seul un rapport signé une fois, sans ajout, est accepté.`);
  const m = /\/ByteRange\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]/.exec(text);
  if (!m) return fail(BAD_RANGE);
  const [a, b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as const;
  if (a !== 0 || b <= 0 || c <= b + 1 || c + d > text.length || text[b] !== '<' || text[c - 1] !== '>') return fail(BAD_RANGE);
  return { ok: true, layout: { byteRange: [a, b, c, d], contentsHex: text.slice(b + 1, c - 1), coversWholeFile: c + d === text.length } };
}

/** Signature dictionaries designated by signature fields (/FT /Sig, inherited through /Kids) of the revision's /AcroForm. */
function signatureValues(catalog: PDFDict): PDFObject[] {
  const fields = catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict)?.lookupMaybe(PDFName.of('Fields'), PDFArray);
  const values: PDFObject[] = [];
  const walk = (node: PDFDict, inheritedFt: PDFObject | undefined, depth: number): void => {
    const ft = node.get(PDFName.of('FT')) ?? inheritedFt;
    const v = node.get(PDFName.of('V'));
    if (ft === PDFName.of('Sig') && v && !values.includes(v)) values.push(v);
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    if (kids && depth < 20) for (let i = 0; i < kids.size(); i++) {
      const kid = kids.lookup(i);
      if (kid instanceof PDFDict) walk(kid, ft, depth + 1);
    }
  };
  for (let i = 0; i < (fields?.size() ?? 0); i++) {
    const field = fields!.lookup(i);
    if (field instanceof PDFDict) walk(field, undefined, 0);
  }
  return values;
}

const sameRange = (array: PDFArray | undefined, range: ByteRange): boolean =>
  array !== undefined && array.size() === 4 && range.every((n, i) => array.get(i) instanceof PDFNumber && (array.get(i) as PDFNumber).asNumber() === n);

export interface SignedRevision {
  readonly revision: PdfRevision;
  readonly signature: PDFDict;
}

/** The signed revision and its signature dictionary, when the structure holds; else the French problems. */
export async function checkSignedRevision(
  bytes: Uint8Array,
  text: string,
  layout: SignatureLayout,
): Promise<{ ok: true; signed: SignedRevision } | { ok: false; problems: string[] }> {
  const [, b, c, d] = layout.byteRange;
  let revision: PdfRevision;
  try {
    revision = await readRevision(bytes, c + d);
  } catch (error) {
    if (!(error instanceof PdfStructureError)) throw error;
    return { ok: false, problems: [`La partie signée du document est mal structurée : ${error.message}`] };
  }
  const problems: string[] = [];
  const values = signatureValues(revision.catalog);
  const ref = values[0];
  const signature = ref instanceof PDFRef ? revision.context.lookupMaybe(ref, PDFDict) : undefined;
  const span = ref instanceof PDFRef ? revision.spans.get(ref.objectNumber) : undefined;
  if (values.length !== 1 || !(ref instanceof PDFRef) || !signature || !span) {
    problems.push(
      values.length > 1
        ? `Le document porte ${values.length} champs de signature : seul un rapport signé une fois est accepté.`
        : 'Aucun champ de signature du document ne désigne la signature trouvée : le document a été modifié.',
    );
    return { ok: false, problems };
  }
  const contents = signature.get(PDFName.of('Contents'));
  const contentsHere = /\/Contents[ \t\r\n\f\0]*$/.test(text.slice(span.start, b));
  if (
    !sameRange(signature.lookupMaybe(PDFName.of('ByteRange'), PDFArray), layout.byteRange) ||
    !(contents instanceof PDFHexString) ||
    contents.asString().toLowerCase() !== layout.contentsHex.toLowerCase() ||
    !(span.start < b && c <= span.end && contentsHere)
  ) {
    problems.push('La plage d’octets signée ne désigne pas le contenu de la signature du document : le document a été modifié.');
  }
  for (const [number, other] of revision.spans) {
    if (number !== ref.objectNumber && other.start < c && other.end > b) {
      problems.push(`L’objet ${number} se trouve dans la zone non signée réservée à la signature : le document a été modifié.`);
    }
  }
  if (revision.redefined.length > 0) {
    problems.push(`La partie signée du document redéfinit des objets (${revision.redefined.slice(0, 5).join(', ')}) : elle contient des mises à jour successives.`);
  }
  const twice = [...topLevelObjectHeaders(bytes, revision)].filter(([, at]) => at.length > 1).map(([n]) => n);
  if (twice.length > 0) problems.push(`Des objets sont définis deux fois dans la partie signée (${twice.slice(0, 5).join(', ')}) : le document a été modifié.`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, signed: { revision, signature } };
}
