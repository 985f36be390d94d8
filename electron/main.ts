/**
 * Electron main process: window, menu, protocol and IPC wiring only.
 * Everything the application does lives in electron/services (plain Node,
 * never importing electron), built by createAppCore.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { CHANNEL_PREFIX, CHANNELS } from '../shared/ipc/channels';
import { DomainError, fail } from '../shared/ipc/result';
import { createAppCore, type AppCore } from './services/app-core';
import { resolveDataPaths } from './services/paths';
import { APP_ORIGIN, isTrustedSender } from './services/shell/security-policy';
import { hardenApp, hardenSession } from './shell/hardening';
import { installMenu } from './shell/menu';
import { handleAppScheme, registerAppScheme } from './shell/protocol';

const log = (message: string, details?: unknown): void => {
  // eslint-disable-next-line no-console
  console.log(`[qrr] ${message}`, details ?? '');
};

let mainWindow: BrowserWindow | null = null;
let core: AppCore | null = null;

// French date pickers and number inputs (jj/mm/aaaa) whatever the workstation's language.
app.commandLine.appendSwitch('lang', 'fr-FR');
registerAppScheme();
hardenApp(log);

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the database: hand over to it and leave.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(start, (error: unknown) => fatal(error));
}

function osUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USERNAME ?? process.env.USER ?? 'inconnu';
  }
}

function electronNativeBinding(): string | undefined {
  const fromEnv = process.env.QRR_NATIVE_BINDING;
  return fromEnv && fs.existsSync(fromEnv) ? fromEnv : undefined;
}

async function start(): Promise<void> {
  const paths = resolveDataPaths({
    argv: process.argv,
    env: process.env,
    userDataDir: app.getPath('userData'),
    cwd: process.cwd(),
  });
  log(`Base de données : ${paths.databasePath} (${paths.source})`);
  const nativeBinding = electronNativeBinding();
  core = await createAppCore({
    databasePath: paths.databasePath,
    backupDir: paths.backupDir,
    communesFile: path.join(__dirname, 'data', 'communes.json'),
    appVersion: app.getVersion(),
    osUser: osUserName(),
    origin: 'ui',
    log: { error: (message, details) => log(message, details) },
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  const { dispatch } = core;

  for (const name of CHANNELS) {
    ipcMain.handle(CHANNEL_PREFIX + name, (event, payload: unknown) => {
      if (!isTrustedSender(event.senderFrame?.url)) {
        log(`Requête ${name} refusée : émetteur ${event.senderFrame?.url ?? 'inconnu'}`);
        return fail('FORBIDDEN_SENDER', "Cette demande ne provient pas de l'application et a été refusée.");
      }
      return dispatch(name, payload);
    });
  }

  hardenSession(APP_ORIGIN, log);
  handleAppScheme(path.join(__dirname, '..', 'renderer'));
  installMenu(
    () => mainWindow,
    () => `Version ${app.getVersion()}\nBase de données : ${paths.databasePath}`,
  );
  createWindow();
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Tableau de bord QRR',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      webviewTag: false,
      spellcheck: false,
      // A middle click must not open a link in a new window (new windows are denied anyway).
      disableBlinkFeatures: 'Auxclick',
      devTools: !app.isPackaged,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  void mainWindow.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('window-all-closed', () => {
  core?.close();
  core = null;
  app.quit();
});

function fatal(error: unknown): void {
  log('Démarrage impossible', error);
  const message =
    error instanceof DomainError
      ? error.message
      : `L'application n'a pas pu démarrer : ${(error as Error)?.message ?? String(error)}`;
  dialog.showErrorBox('Tableau de bord QRR', message);
  app.exit(1);
}

process.on('unhandledRejection', (reason) => log('Promesse rejetée non traitée', reason));
