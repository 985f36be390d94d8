import { app, dialog, Menu, shell, type BrowserWindow, type MessageBoxOptions } from 'electron';
import { buildMenuTemplate, createMenuCommands, type MenuInfo } from '../services/desktop/menu-template';

/*
 * Electron's side of the application menu only: the template, its labels and
 * what each item does live in electron/services/desktop/menu-template.ts (unit
 * tested); this wires Electron's dialog, shell and Menu to it.
 */

export type { MenuInfo };

export interface MenuActions {
  /**
   * Queues a file chosen with Fichier › Importer… for the window
   * (electron/services/desktop/open-file.ts); a French reason when it cannot be.
   */
  readonly openFile: (file: string) => string | null;
}

/** French application menu with the usual accelerators. */
export function installMenu(getWindow: () => BrowserWindow | null, info: MenuInfo, actions: MenuActions): void {
  const showMessage = (options: MessageBoxOptions): void => {
    const win = getWindow();
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
  };
  const commands = createMenuCommands(info, {
    appName: app.getName(),
    getWindow,
    chooseFile: (parent, options) => (parent ? dialog.showOpenDialogSync(parent, options) : dialog.showOpenDialogSync(options)),
    queueFile: actions.openFile,
    showMessage,
    openPath: (folder) => shell.openPath(folder),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ isPackaged: app.isPackaged, commands })));
}
