import fs from 'node:fs';

/**
 * The application menu as plain data, and what its items do, written against
 * small interfaces instead of Electron's dialog/shell/BrowserWindow: plain Node
 * (never imports electron), so it is unit-tested. electron/shell/application-menu.ts wires
 * Electron to these interfaces and hands the template to Menu.buildFromTemplate
 * (the types below are a subset of Electron's MenuItemConstructorOptions, which
 * tsc checks there).
 */

/** The roles the menu uses (Electron implements them, with the platform's usual shortcuts). */
export type MenuRole =
  | 'quit'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'reload'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'toggleDevTools';

/** One menu item: the subset of Electron's MenuItemConstructorOptions used here. */
export interface MenuItemTemplate {
  readonly label?: string;
  readonly role?: MenuRole;
  readonly accelerator?: string;
  readonly type?: 'separator';
  readonly submenu?: MenuItemTemplate[];
  readonly click?: () => void;
}

/** What the menu shows about the installation. */
export interface MenuInfo {
  readonly appVersion: string;
  readonly referentialVersion: number;
  readonly databasePath: string;
  /** Folder of the database (rapports, sauvegardes and autorités de confiance sit beside it). */
  readonly dataDir: string;
  readonly logsDir: string;
}

/** What the menu's own items (those without a role) do. */
export interface MenuCommands {
  readonly importFile: () => void;
  readonly openDataFolder: () => void;
  readonly openLogsFolder: () => void;
  readonly showAbout: () => void;
}

export interface MenuTemplateOptions {
  /** Installed build: no developer tools. */
  readonly isPackaged: boolean;
  readonly commands: MenuCommands;
}

/** French application menu with the usual accelerators. */
export function buildMenuTemplate({ isPackaged, commands }: MenuTemplateOptions): MenuItemTemplate[] {
  // Wrapped: Electron calls click with (menuItem, window, event), which the commands do not take.
  return [
    {
      label: 'Fichier',
      submenu: [
        { label: "Importer un fichier d'échange…", accelerator: 'CmdOrCtrl+I', click: () => commands.importFile() },
        { type: 'separator' },
        { role: 'quit', label: 'Quitter' },
      ],
    },
    {
      label: 'Édition',
      submenu: [
        { role: 'undo', label: 'Annuler' },
        { role: 'redo', label: 'Rétablir' },
        { type: 'separator' },
        { role: 'cut', label: 'Couper' },
        { role: 'copy', label: 'Copier' },
        { role: 'paste', label: 'Coller' },
        { role: 'selectAll', label: 'Tout sélectionner' },
      ],
    },
    {
      label: 'Affichage',
      submenu: [
        { role: 'reload', label: 'Actualiser' },
        { type: 'separator' },
        { role: 'resetZoom', label: 'Taille réelle' },
        { role: 'zoomIn', label: 'Zoom avant' },
        { role: 'zoomOut', label: 'Zoom arrière' },
        { type: 'separator' },
        { role: 'togglefullscreen', label: 'Plein écran' },
        ...(isPackaged ? [] : [{ role: 'toggleDevTools', label: 'Outils de développement' } as const]),
      ],
    },
    {
      label: 'Aide',
      submenu: [
        { label: 'Ouvrir le dossier des données', click: () => commands.openDataFolder() },
        { label: 'Ouvrir le dossier des journaux', click: () => commands.openLogsFolder() },
        { type: 'separator' },
        { label: 'À propos', click: () => commands.showAbout() },
      ],
    },
  ];
}

/** A message box (assignable to Electron's MessageBoxOptions). */
export interface MenuMessage {
  readonly type: 'info' | 'warning' | 'error';
  readonly title: string;
  readonly message: string;
  readonly detail: string;
}

/** Versions of the runtime shown in « À propos » (process.versions under Electron). */
export interface RuntimeVersions {
  readonly electron?: string | undefined;
  readonly chrome?: string | undefined;
}

/** The « À propos » text: what support asks for first. */
export function aboutText(info: MenuInfo, runtime: RuntimeVersions = process.versions): string {
  return [
    `Version de l'application : ${info.appVersion}`,
    `Référentiel « La République en actes » : version ${info.referentialVersion}`,
    `Base de données : ${info.databasePath}`,
    `Journaux : ${info.logsDir}`,
    `Electron ${runtime.electron ?? '?'}, Chromium ${runtime.chrome ?? '?'}`,
  ].join('\n');
}

export function aboutMessage(appName: string, info: MenuInfo, runtime?: RuntimeVersions): MenuMessage {
  return { type: 'info', title: 'À propos', message: appName, detail: aboutText(info, runtime) };
}

/** Options of the open dialog (assignable to Electron's OpenDialogSyncOptions). */
export interface ImportDialogOptions {
  readonly title: string;
  readonly properties: Array<'openFile'>;
  readonly filters: Array<{ name: string; extensions: string[] }>;
}

/** A fresh copy each time: the dialog gets objects nobody else holds. */
export function importDialogOptions(): ImportDialogOptions {
  return {
    title: "Importer un fichier d'échange",
    properties: ['openFile'],
    // Every accepted kind first (Windows shows the first filter by default).
    filters: [
      { name: 'Fichiers acceptés (.qrr, .pdf, .xlsx)', extensions: ['qrr', 'qrr.json', 'pdf', 'xlsx'] },
      { name: "Fichiers d'échange QRR (.qrr)", extensions: ['qrr', 'qrr.json'] },
      { name: 'Rapports PDF', extensions: ['pdf'] },
      { name: 'Classeurs Excel (.xlsx)', extensions: ['xlsx'] },
    ],
  };
}

/** The part of the window the import needs (a BrowserWindow). */
export interface MenuWindow {
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
}

export interface ImportDeps<W extends MenuWindow> {
  readonly getWindow: () => W | null;
  /**
   * A synchronous open dialog (dialog.showOpenDialogSync), over the window when
   * there is one: the chosen paths, undefined (or none) when cancelled.
   * Synchronous on purpose: the file is queued before main handles any request
   * from the window, which asks for it (takeOpenedFile) when it gets the focus
   * back as the dialog closes.
   */
  readonly chooseFile: (parent: W | null, options: ImportDialogOptions) => readonly string[] | undefined;
  /** Queues the file for the window (electron/services/desktop/open-file.ts); a French reason when it cannot be. */
  readonly queueFile: (file: string) => string | null;
  readonly showMessage: (message: MenuMessage) => void;
}

export type ImportOutcome =
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'refused'; readonly file: string; readonly reason: string }
  | { readonly kind: 'queued'; readonly file: string };

/** The warning shown when a chosen file cannot be queued. */
export function importRefusedMessage(file: string, reason: string): MenuMessage {
  return { type: 'warning', title: 'Import impossible', message: 'Ce fichier ne peut pas être importé.', detail: `${file}\n\n${reason}` };
}

/**
 * Fichier › Importer… : asks for a file, queues it, and brings the window back
 * (its focus makes the page ask for the file); a French warning when refused.
 */
export function importChosenFile<W extends MenuWindow>(deps: ImportDeps<W>): ImportOutcome {
  const win = deps.getWindow();
  const file = deps.chooseFile(win, importDialogOptions())?.[0];
  if (!file) return { kind: 'cancelled' };
  const reason = deps.queueFile(file);
  if (reason) {
    deps.showMessage(importRefusedMessage(file, reason));
    return { kind: 'refused', file, reason };
  }
  if (win?.isMinimized()) win.restore();
  win?.focus();
  return { kind: 'queued', file };
}

/** Which folder, as the message says it (« Le dossier des données… »). */
export type FolderName = 'des données' | 'des journaux';

export interface FolderDeps {
  /** Opens the folder in the file manager (shell.openPath): an error text, empty when opened. */
  readonly openPath: (folder: string) => Promise<string>;
  readonly showMessage: (message: MenuMessage) => void;
  /** Creates the folder and its parents (the real file system by default). */
  readonly mkdir?: (folder: string) => void;
}

export function folderOpenFailedMessage(folder: string, what: FolderName, problem: string): MenuMessage {
  return {
    type: 'error',
    title: 'Ouverture impossible',
    message: `Le dossier ${what} n'a pas pu être ouvert.`,
    detail: `${folder}\n\n${problem}`,
  };
}

/**
 * Opens a folder of the application, created first (the logs or data folder
 * may not exist yet on a fresh installation); an error message when it cannot
 * be opened. True when opened.
 */
export async function openFolder(folder: string, what: FolderName, deps: FolderDeps): Promise<boolean> {
  const mkdir = deps.mkdir ?? ((dir: string) => fs.mkdirSync(dir, { recursive: true }));
  try {
    mkdir(folder);
  } catch {
    // openPath reports the problem below.
  }
  const problem = await deps.openPath(folder);
  if (!problem) return true;
  deps.showMessage(folderOpenFailedMessage(folder, what, problem));
  return false;
}

/** What the menu's commands need from the shell (Electron in electron/shell/application-menu.ts). */
export interface MenuShell<W extends MenuWindow> extends ImportDeps<W>, FolderDeps {
  readonly appName: string;
  /** Defaults to process.versions. */
  readonly runtime?: RuntimeVersions;
}

export function createMenuCommands<W extends MenuWindow>(info: MenuInfo, shell: MenuShell<W>): MenuCommands {
  return {
    importFile: () => void importChosenFile(shell),
    openDataFolder: () => void openFolder(info.dataDir, 'des données', shell),
    openLogsFolder: () => void openFolder(info.logsDir, 'des journaux', shell),
    showAbout: () => shell.showMessage(aboutMessage(shell.appName, info, shell.runtime)),
  };
}
