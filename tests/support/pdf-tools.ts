/**
 * The independent PDF signature checkers the tests trust: poppler's pdfsig and
 * MuPDF's `mutool sign -v`. Both always exit 0 (or not meaningfully): their
 * output is parsed.
 */
import { execFileSync } from 'node:child_process';

/** Runs a checker and returns its output whatever its exit status (qpdf exits 2 or 3, pdfsig always 0). */
export const runTool = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; status?: number };
    return `${e.stdout ?? ''}${e.stderr ?? ''}\n[exit ${e.status ?? '?'}]`;
  }
};

export const pdfsig = (file: string): string => runTool('pdfsig', [file]);
export const mutoolSignVerify = (file: string): string => runTool('mutool', ['sign', '-v', file]);

/** What both checkers say of a file signed by the application: valid, whole document, unchanged. */
export function independentVerdict(file: string): { pdfsigValid: boolean; wholeDocument: boolean; mutoolUnchanged: boolean; output: string } {
  const poppler = pdfsig(file);
  const mupdf = mutoolSignVerify(file);
  return {
    pdfsigValid: poppler.includes('Signature is Valid.'),
    wholeDocument: poppler.includes('Total document signed'),
    // mutool has no trust store here: its integrity verdict is what counts, not its certificate verdict.
    mutoolUnchanged: mupdf.includes('The document is unchanged since signing.'),
    output: `${poppler}\n${mupdf}`,
  };
}
