/**
 * What reaches the terminal: the CLI's own French lines (out/err in
 * commands/shared.ts write to the streams directly), nothing else.
 *
 * - Libraries' console chatter (pdf-lib's « Trying to parse invalid object… »
 *   while reading a damaged PDF, a dependency's deprecation notice) is
 *   dropped: the CLI reports what matters in French.
 * - A closed pipe (`… | head -1`) or any other error of stdout/stderr ends
 *   the command quietly: the reader has gone, there is nobody to tell. The
 *   work itself is never left half done: every write is one transaction.
 * - Anything thrown outside a command: one French line, no stack trace
 *   (QRR_DEBUG=1 prints it, for a bug report).
 */

const silent = (): void => undefined;

export const debugging = (): boolean => process.env.QRR_DEBUG === '1';

export function quietTerminal(): void {
  console.log = silent;
  console.info = silent;
  console.warn = silent;
  console.debug = silent;
  console.error = silent;
  console.trace = silent;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => {
      // EPIPE, EBADF…: the output is gone; keep the exit code decided so far.
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
  process.on('uncaughtException', (error) => {
    safeWrite(`Erreur inattendue : ${oneLine(error)}\n`);
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    safeWrite(`Erreur inattendue : ${oneLine(error)}\n`);
    process.exit(1);
  });
}

/** The first line of an error's message (never its stack, unless QRR_DEBUG=1). */
export function oneLine(error: unknown): string {
  if (debugging() && error instanceof Error && error.stack) return error.stack;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}

function safeWrite(text: string): void {
  try {
    process.stderr.write(text);
  } catch {
    // stderr closed too: nothing more can be said.
  }
}
