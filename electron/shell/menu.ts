import fs from 'node:fs';
import { app, dialog, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions, type MessageBoxOptions } from 'electron';

export interface MenuInfo {
  readonly appVersion: string;
  readonly referentialVersion: number;
  readonly databasePath: string;
  /** Folder of the database (rapports, sauvegardes and autorités de confiance sit beside it). */
  readonly dataDir: string;
  readonly logsDir: string;
}

export interface MenuActions {
  /**
   * Queues a file chosen with Fichier › Importer… for the window
   * (electron/services/shell/open-file.ts); a French reason when it cannot be.
   */
  readonly openFile: (file: string) => string | null;
}

/** The open dialog's filters: every accepted kind first (Windows shows the first filter by default). */
const IMPORT_FILTERS = [
  { name: 'Fichiers acceptés (.qrr, .pdf, .xlsx)', extensions: ['qrr', 'qrr.json', 'pdf', 'xlsx'] },
  { name: "Fichiers d'échange QRR (.qrr)", extensions: ['qrr', 'qrr.json'] },
  { name: 'Rapports PDF', extensions: ['pdf'] },
  { name: 'Classeurs Excel (.xlsx)', extensions: ['xlsx'] },
];

/** French application menu with the usual accelerators. */
export function installMenu(getWindow: () => BrowserWindow | null, info: MenuInfo, actions: MenuActions): void {
  const showMessage = (options: MessageBoxOptions): void => {
    const win = getWindow();
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
  };

  const openFolder = async (folder: string, what: string): Promise<void> => {
    try {
      fs.mkdirSync(folder, { recursive: true });
    } catch {
      // shell.openPath reports the problem below.
    }
    const problem = await shell.openPath(folder);
    if (problem) {
      showMessage({
        type: 'error',
        title: 'Ouverture impossible',
        message: `Le dossier ${what} n'a pas pu être ouvert.`,
        detail: `${folder}\n\n${problem}`,
      });
    }
  };

  const importFile = (): void => {
    const win = getWindow();
    const options = { title: "Importer un fichier d'échange", properties: ['openFile' as const], filters: IMPORT_FILTERS };
    // Synchronous on purpose: the file is queued before main handles any request
    // from the window, which asks for it (takeOpenedFile) when it gets the focus
    // back as the dialog closes.
    const chosen = win ? dialog.showOpenDialogSync(win, options) : dialog.showOpenDialogSync(options);
    const file = chosen?.[0];
    if (!file) return;
    const refusal = actions.openFile(file);
    if (refusal) {
      showMessage({ type: 'warning', title: 'Import impossible', message: 'Ce fichier ne peut pas être importé.', detail: `${file}\n\n${refusal}` });
      return;
    }
    if (win?.isMinimized()) win.restore();
    win?.focus();
  };

  const about = (): string =>
    [
      `Version de l'application : ${info.appVersion}`,
      `Référentiel « La République en actes » : version ${info.referentialVersion}`,
      `Base de données : ${info.databasePath}`,
      `Journaux : ${info.logsDir}`,
      `Electron ${process.versions.electron ?? '?'}, Chromium ${process.versions.chrome ?? '?'}`,
    ].join('\n');

  const template: MenuItemConstructorOptions[] = [
    {
      label: 'Fichier',
      submenu: [
        { label: "Importer un fichier d'échange…", accelerator: 'CmdOrCtrl+I', click: importFile },
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
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools', label: 'Outils de développement' } as const]),
      ],
    },
    {
      label: 'Aide',
      submenu: [
        { label: 'Ouvrir le dossier des données', click: () => void openFolder(info.dataDir, 'des données') },
        { label: 'Ouvrir le dossier des journaux', click: () => void openFolder(info.logsDir, 'des journaux') },
        { type: 'separator' },
        {
          label: 'À propos',
          click: () => showMessage({ type: 'info', title: 'À propos', message: app.getName(), detail: about() }),
        },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
