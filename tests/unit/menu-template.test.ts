import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aboutText,
  buildMenuTemplate,
  createMenuCommands,
  importChosenFile,
  openFolder,
  type ImportDialogOptions,
  type MenuCommands,
  type MenuInfo,
  type MenuItemTemplate,
  type MenuMessage,
  type MenuShell,
} from '../../electron/services/desktop/menu-template';
import { createOpenedFileQueue, queueRefusal } from '../../electron/services/desktop/open-file';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-menu-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const INFO: MenuInfo = {
  appVersion: '1.4.2',
  referentialVersion: 3,
  databasePath: '/srv/qrr/Préfecture 93/qrr.sqlite',
  dataDir: '/srv/qrr/Préfecture 93',
  logsDir: '/home/agent/.config/tableau-de-bord-qrr/journaux',
};

/** Commands that only record which one was called. */
function recordingCommands(): { commands: MenuCommands; called: string[] } {
  const called: string[] = [];
  return {
    called,
    commands: {
      importFile: () => called.push('importFile'),
      openDataFolder: () => called.push('openDataFolder'),
      openLogsFolder: () => called.push('openLogsFolder'),
      showAbout: () => called.push('showAbout'),
    },
  };
}

const submenu = (template: MenuItemTemplate[], label: string): MenuItemTemplate[] => {
  const menu = template.find((item) => item.label === label);
  if (!menu?.submenu) throw new Error(`Pas de menu « ${label} »`);
  return menu.submenu;
};
const item = (items: MenuItemTemplate[], label: string): MenuItemTemplate => {
  const found = items.find((entry) => entry.label === label);
  if (!found) throw new Error(`Pas d'élément « ${label} »`);
  return found;
};

/** A window recording what was done to it, in order. */
function fakeWindow(minimized = false) {
  const calls: string[] = [];
  return {
    calls,
    isMinimized: () => minimized,
    restore: () => calls.push('restore'),
    focus: () => calls.push('focus'),
  };
}

type FakeWindow = ReturnType<typeof fakeWindow>;

/** The shell around the menu, with a real opened-file queue and a chooser answering `chosen`. */
function fakeShell(chosen: string[] | undefined, win: FakeWindow | null = fakeWindow()) {
  const queue = createOpenedFileQueue();
  const messages: MenuMessage[] = [];
  const dialogs: Array<{ parent: FakeWindow | null; options: ImportDialogOptions }> = [];
  const opened: string[] = [];
  const shell: MenuShell<FakeWindow> = {
    appName: 'Tableau de bord QRR',
    runtime: { electron: '41.0.0', chrome: '146.0.0.0' },
    getWindow: () => win,
    chooseFile: (parent, options) => {
      dialogs.push({ parent, options });
      return chosen;
    },
    queueFile: (file) => queueRefusal(queue.push(file)),
    showMessage: (message) => messages.push(message),
    openPath: async (folder) => {
      opened.push(folder);
      return '';
    },
  };
  return { shell, queue, messages, dialogs, opened };
}

describe('the application menu', () => {
  it('has Fichier, Édition, Affichage and Aide, in that order', () => {
    const template = buildMenuTemplate({ isPackaged: true, commands: recordingCommands().commands });
    expect(template.map((menu) => menu.label)).toEqual(['Fichier', 'Édition', 'Affichage', 'Aide']);
    // Separators are only separators (no label, role or action).
    for (const menu of template) {
      for (const entry of menu.submenu ?? []) {
        if (entry.type === 'separator') expect(Object.keys(entry)).toEqual(['type']);
        else expect(entry.label).toMatch(/\S/);
      }
    }
  });

  it('keeps the French labels, roles and accelerators', () => {
    const template = buildMenuTemplate({ isPackaged: true, commands: recordingCommands().commands });
    const summary = (items: MenuItemTemplate[]) =>
      items.map((entry) => (entry.type === 'separator' ? '—' : [entry.label, entry.role ?? entry.accelerator ?? ''].join(' | ')));
    expect(summary(submenu(template, 'Fichier'))).toEqual(["Importer un fichier d'échange… | CmdOrCtrl+I", '—', 'Quitter | quit']);
    expect(summary(submenu(template, 'Édition'))).toEqual([
      'Annuler | undo',
      'Rétablir | redo',
      '—',
      'Couper | cut',
      'Copier | copy',
      'Coller | paste',
      'Tout sélectionner | selectAll',
    ]);
    expect(summary(submenu(template, 'Affichage'))).toEqual([
      'Actualiser | reload',
      '—',
      'Taille réelle | resetZoom',
      'Zoom avant | zoomIn',
      'Zoom arrière | zoomOut',
      '—',
      'Plein écran | togglefullscreen',
    ]);
    expect(summary(submenu(template, 'Aide'))).toEqual([
      'Ouvrir le dossier des données | ',
      'Ouvrir le dossier des journaux | ',
      '—',
      'À propos | ',
    ]);
  });

  it('offers the developer tools only when not packaged', () => {
    const { commands } = recordingCommands();
    const devTools = (isPackaged: boolean) =>
      submenu(buildMenuTemplate({ isPackaged, commands }), 'Affichage').filter((entry) => entry.role === 'toggleDevTools');
    expect(devTools(true)).toEqual([]);
    expect(devTools(false)).toEqual([{ role: 'toggleDevTools', label: 'Outils de développement' }]);
  });

  it('wires each item without a role to its command, and nothing else', () => {
    const { commands, called } = recordingCommands();
    const template = buildMenuTemplate({ isPackaged: false, commands });
    const clickable = template.flatMap((menu) => menu.submenu ?? []).filter((entry) => entry.click);
    expect(clickable.map((entry) => entry.label)).toEqual([
      "Importer un fichier d'échange…",
      'Ouvrir le dossier des données',
      'Ouvrir le dossier des journaux',
      'À propos',
    ]);
    // Items with a role are Electron's: they carry no click of ours.
    for (const entry of clickable) expect(entry.role).toBeUndefined();
    for (const entry of clickable) entry.click!();
    expect(called).toEqual(['importFile', 'openDataFolder', 'openLogsFolder', 'showAbout']);
  });
});

describe('Fichier › Importer…', () => {
  const exchange = '/home/agent/Téléchargements/echange-93.qrr';
  /** Clicks the menu item, as a user would, with commands built on the fake shell. */
  const clickImport = (shell: MenuShell<FakeWindow>) =>
    item(submenu(buildMenuTemplate({ isPackaged: true, commands: createMenuCommands(INFO, shell) }), 'Fichier'), "Importer un fichier d'échange…").click!();

  it('asks for one file over the window, every accepted kind offered first', () => {
    const win = fakeWindow();
    const { shell, dialogs } = fakeShell(undefined, win);
    clickImport(shell);
    expect(dialogs).toHaveLength(1);
    expect(dialogs[0]!.parent).toBe(win);
    const { options } = dialogs[0]!;
    expect(options.title).toBe("Importer un fichier d'échange");
    expect(options.properties).toEqual(['openFile']);
    expect(options.filters.map((filter) => filter.name)).toEqual([
      'Fichiers acceptés (.qrr, .pdf, .xlsx)',
      "Fichiers d'échange QRR (.qrr)",
      'Rapports PDF',
      'Classeurs Excel (.xlsx)',
    ]);
    expect(options.filters[0]!.extensions).toEqual(['qrr', 'qrr.json', 'pdf', 'xlsx']);
  });

  it('does nothing when the dialog is cancelled', () => {
    for (const cancelled of [undefined, []]) {
      const win = fakeWindow(true);
      const { shell, queue, messages } = fakeShell(cancelled, win);
      expect(importChosenFile(shell)).toEqual({ kind: 'cancelled' });
      expect(queue.size).toBe(0);
      expect(messages).toEqual([]);
      expect(win.calls).toEqual([]);
    }
  });

  it('warns in French, with the file and the reason, when the queue refuses the file', () => {
    const notes = '/home/agent/Documents/notes.txt';
    const win = fakeWindow();
    const { shell, queue, messages } = fakeShell([notes], win);
    clickImport(shell);
    expect(queue.size).toBe(0);
    expect(messages).toEqual([
      {
        type: 'warning',
        title: 'Import impossible',
        message: 'Ce fichier ne peut pas être importé.',
        detail: `${notes}\n\n${queueRefusal('not-openable')}`,
      },
    ]);
    expect(messages[0]!.detail).toContain("Sont acceptés : les fichiers d'échange (.qrr)");
    // The window is left as it is: the message box is over it.
    expect(win.calls).toEqual([]);
  });

  it('queues the chosen file and gives the window the focus back (restored first when minimised)', () => {
    for (const minimized of [false, true]) {
      const win = fakeWindow(minimized);
      const { shell, queue, messages } = fakeShell([exchange], win);
      expect(importChosenFile(shell)).toEqual({ kind: 'queued', file: exchange });
      expect(queue.take()).toBe(exchange);
      expect(queue.size).toBe(0);
      expect(messages).toEqual([]);
      expect(win.calls).toEqual(minimized ? ['restore', 'focus'] : ['focus']);
    }
  });

  it('still queues the file when there is no window (the page asks for it when it loads)', () => {
    const { shell, queue, dialogs } = fakeShell([exchange], null);
    clickImport(shell);
    expect(dialogs[0]!.parent).toBeNull();
    expect(queue.take()).toBe(exchange);
  });
});

describe('Aide › Ouvrir le dossier…', () => {
  it('creates the folder, then opens it', async () => {
    const logs = path.join(dir, 'neuf', 'journaux');
    const opened: Array<{ folder: string; existed: boolean }> = [];
    const messages: MenuMessage[] = [];
    const ok = await openFolder(logs, 'des journaux', {
      openPath: async (folder) => {
        opened.push({ folder, existed: fs.statSync(folder).isDirectory() });
        return '';
      },
      showMessage: (message) => messages.push(message),
    });
    expect(ok).toBe(true);
    expect(opened).toEqual([{ folder: logs, existed: true }]);
    expect(messages).toEqual([]);
  });

  it('says in French which folder could not be opened, with its path and the reason', async () => {
    const messages: MenuMessage[] = [];
    const ok = await openFolder(INFO.dataDir, 'des données', {
      mkdir: () => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      },
      openPath: async () => 'Failed to open path',
      showMessage: (message) => messages.push(message),
    });
    expect(ok).toBe(false);
    expect(messages).toEqual([
      {
        type: 'error',
        title: 'Ouverture impossible',
        message: "Le dossier des données n'a pas pu être ouvert.",
        detail: `${INFO.dataDir}\n\nFailed to open path`,
      },
    ]);
  });

  it('opens the data and logs folders of the installation from the menu', () => {
    const info: MenuInfo = { ...INFO, dataDir: path.join(dir, 'donnees'), logsDir: path.join(dir, 'donnees', 'journaux') };
    const { shell, opened } = fakeShell(undefined);
    const aide = submenu(buildMenuTemplate({ isPackaged: true, commands: createMenuCommands(info, shell) }), 'Aide');
    item(aide, 'Ouvrir le dossier des données').click!();
    item(aide, 'Ouvrir le dossier des journaux').click!();
    // Created and handed to openPath before the click returns (only openPath's answer is awaited).
    expect(opened).toEqual([info.dataDir, info.logsDir]);
    expect(fs.statSync(info.logsDir).isDirectory()).toBe(true);
  });
});

describe('Aide › À propos', () => {
  it('shows the application, référentiel and runtime versions, and where the database and logs are', () => {
    const { shell, messages } = fakeShell(undefined);
    const aide = submenu(buildMenuTemplate({ isPackaged: true, commands: createMenuCommands(INFO, shell) }), 'Aide');
    item(aide, 'À propos').click!();
    expect(messages).toHaveLength(1);
    const [about] = messages;
    expect(about).toMatchObject({ type: 'info', title: 'À propos', message: 'Tableau de bord QRR' });
    expect(about!.detail.split('\n')).toEqual([
      "Version de l'application : 1.4.2",
      'Référentiel « La République en actes » : version 3',
      'Base de données : /srv/qrr/Préfecture 93/qrr.sqlite',
      'Journaux : /home/agent/.config/tableau-de-bord-qrr/journaux',
      'Electron 41.0.0, Chromium 146.0.0.0',
    ]);
  });

  it('says « ? » for runtime versions it does not know (plain Node has no Electron)', () => {
    expect(aboutText(INFO, {}).split('\n').at(-1)).toBe('Electron ?, Chromium ?');
  });
});
