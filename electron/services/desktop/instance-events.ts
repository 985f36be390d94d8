import { filesFromCommandLine } from './open-file';

/**
 * What main does with the files it is asked to open from outside the window:
 * the first launch's command line, a second instance handing its command line
 * over (single-instance lock), macOS's `open-file`. Written against small
 * interfaces (main.ts passes the queue and the window), so it is unit-tested.
 */

export interface InstanceEventDeps {
  /** Queues a file for the window, saying where it came from (for the log); the French reason when it cannot be. */
  readonly queueFile: (file: string, from: string) => string | null;
  /** Brings the window forward (its focus makes the page ask for the queued files). */
  readonly showWindow: () => void;
  /** process.defaultApp: `electron <dossier>` in development, where argv[1] is the application itself. */
  readonly defaultApp: boolean;
  /** Whether a path is an existing regular file (the real file system by default). */
  readonly isFile?: (file: string) => boolean;
}

/** Queues the files named on a command line, in order; returns them. */
export function queueCommandLine(
  argv: readonly string[],
  workingDirectory: string,
  from: string,
  deps: Pick<InstanceEventDeps, 'queueFile' | 'defaultApp' | 'isFile'>,
): string[] {
  const files = filesFromCommandLine(argv, {
    workingDirectory,
    defaultApp: deps.defaultApp,
    ...(deps.isFile ? { isFile: deps.isFile } : {}),
  });
  for (const file of files) deps.queueFile(file, from);
  return files;
}

/**
 * A second launch (double click on a .qrr while the application runs) hands
 * its command line and working directory over and quits: queue its files
 * first, then show the window (also when it named none: the user launched the
 * application and expects to see it).
 */
export function onSecondInstance(commandLine: readonly string[], workingDirectory: string, deps: InstanceEventDeps): void {
  queueCommandLine(commandLine, workingDirectory, 'seconde instance', deps);
  deps.showWindow();
}

/** macOS opens documents with an event (possibly before the window exists), not through argv. */
export function onOpenFile(file: string, deps: Pick<InstanceEventDeps, 'queueFile' | 'showWindow'>): void {
  deps.queueFile(file, 'Finder');
  deps.showWindow();
}

/** The part of the main window showWindow needs (a BrowserWindow). */
export interface ForwardableWindow {
  isVisible(): boolean;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
}

/**
 * Brings the window forward; false when there is none to bring: not created or
 * not shown yet ('ready-to-show' shows it, and the page asks for the queued
 * files when it loads).
 */
export function bringForward(win: ForwardableWindow | null): boolean {
  if (!win || !(win.isVisible() || win.isMinimized())) return false;
  if (win.isMinimized()) win.restore();
  win.focus();
  return true;
}
