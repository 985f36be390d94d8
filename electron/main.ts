/**
 * Electron main process: window, menu, protocol and IPC wiring only.
 * Everything the application does lives in electron/services (plain Node,
 * never importing electron), built by createAppCore in the core host, a
 * utilityProcess (electron/shell/core-process.ts): the database is never
 * opened here, so long requests never freeze the window.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, dialog, screen, type Rectangle } from 'electron';
import { DomainError } from '../shared/ipc/result';
import { createCoreClient, type CoreClient } from './services/host/client';
import { resolveDataPaths } from './services/paths';
import { PREFERENCES_FILE } from './services/signing-preferences';
import { SEED_REFERENTIAL } from './services/referential';
import { databaseLocationProblem, nearestRealPath } from './services/desktop/network-share';
import { bringForward, onOpenFile, onSecondInstance, queueCommandLine, type InstanceEventDeps } from './services/desktop/instance-events';
import { createOpenedFileQueue, queueRefusal } from './services/desktop/open-file';
import { createRotatingLog, logsDirOf } from './services/desktop/rotating-log';
import { loadWindowState, restoreWindowState, saveWindowState, WINDOW_STATE_FILE } from './services/desktop/window-state';
import { APP_ORIGIN } from './services/desktop/security-policy';
import { hardenApp, hardenSession } from './shell/hardening';
import { installMenu } from './shell/application-menu';
import { handleAppScheme, registerAppScheme } from './shell/app-scheme';
import { registerCoreIpc, utilityProcessHost } from './shell/core-process';

const userDataDir = app.getPath('userData');
const logsDir = logsDirOf(userDataDir);
const windowStateFile = path.join(userDataDir, WINDOW_STATE_FILE);
const WINDOW_DEFAULTS = { width: 1280, height: 800, minWidth: 960, minHeight: 600 };

// journaux/qrr.log in the user-data folder (rotated); also printed in the terminal in development.
const logger = createRotatingLog(logsDir, app.isPackaged ? {} : { echo: (line: string) => console.log(`[qrr] ${line}`) });
const log = (message: string, details?: unknown): void => logger.info(message, details);

process.on('uncaughtException', (error) => {
  logger.error('Exception non traitée', error);
  // Installing this handler replaces Electron's own error box: tell the user, as it would.
  if (app.isReady()) {
    dialog.showErrorBox(
      'Tableau de bord QRR',
      `Une erreur inattendue est survenue : ${error?.message ?? String(error)}\n\n` +
        "Le détail est enregistré dans le journal (menu Aide, « Ouvrir le dossier des journaux »). " +
        "Vos saisies déjà enregistrées ne sont pas perdues ; il est conseillé de redémarrer l'application.",
    );
  }
});
process.on('unhandledRejection', (reason) => logger.error('Promesse rejetée non traitée', reason));
app.on('render-process-gone', (_event, _contents, details) => logger.error("Arrêt du processus d'affichage", details));
app.on('child-process-gone', (_event, details) => logger.error("Arrêt d'un processus auxiliaire", details));
app.on('will-quit', () => logger.info("Fermeture de l'application"));

let mainWindow: BrowserWindow | null = null;
let core: CoreClient | null = null;

// Files to open (double click on a .qrr, second instance, macOS Finder, Fichier › Importer…):
// queued here, pulled by the window through `takeOpenedFile` on load and whenever it gets the focus.
const openedFiles = createOpenedFileQueue();

/** Queues a file for the window; the French reason when it cannot be. */
function queueFile(file: string, from: string): string | null {
  const outcome = openedFiles.push(file);
  const refusal = queueRefusal(outcome);
  if (refusal) logger.warn(`Fichier non ouvert (${from})`, { file, outcome });
  else log(`Fichier à ouvrir (${from}) : ${file}`);
  return refusal;
}

/** Brings the window forward: its 'focus' makes the page ask for the queued files. */
function showMainWindow(): void {
  bringForward(mainWindow);
}

// process.defaultApp: `electron <dossier>` in development, where argv[1] is the application itself.
const instanceEvents: InstanceEventDeps = { queueFile, showWindow: showMainWindow, defaultApp: process.defaultApp === true };

// French date pickers and number inputs (jj/mm/aaaa) whatever the workstation's language.
app.commandLine.appendSwitch('lang', 'fr-FR');
registerAppScheme();
hardenApp(log);

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the database: hand over to it and leave.
  app.quit();
} else {
  // A second launch (double click on a .qrr while the application runs) hands its
  // command line over and quits: queue its file first, then show the window.
  app.on('second-instance', (_event, commandLine, workingDirectory) => onSecondInstance(commandLine, workingDirectory, instanceEvents));
  // macOS opens documents with an event (possibly before 'ready'), not through argv.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    onOpenFile(file, instanceEvents);
  });
  queueCommandLine(process.argv, process.cwd(), 'ligne de commande', instanceEvents);
  logger.info('Démarrage', {
    version: app.getVersion(),
    electron: process.versions.electron,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    packaged: app.isPackaged,
  });
  // .catch, not then's second argument: a failure inside start() must reach fatal() too.
  app.whenReady().then(start).catch((error: unknown) => fatal(error));
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

/** pkcs11js built for Electron's ABI (scripts/electron-native.mjs), when it is not the packaged one. */
function electronPkcs11Binding(): string | undefined {
  const fromEnv = process.env.QRR_PKCS11_BINDING;
  return fromEnv && fs.existsSync(fromEnv) ? fromEnv : undefined;
}

async function start(): Promise<void> {
  const paths = resolveDataPaths({
    argv: process.argv,
    env: process.env,
    userDataDir,
    cwd: process.cwd(),
  });
  log(`Base de données : ${paths.databasePath} (${paths.source})`);
  // SQLite over SMB/NFS loses data: the user decides, knowingly, before the database is opened.
  const locationProblem = databaseLocationProblem(paths.databasePath, { platform: process.platform, realpath: nearestRealPath });
  if (locationProblem) {
    logger.warn('Base de données sur un partage réseau', { databasePath: paths.databasePath });
    const { response } = await dialog.showMessageBox({
      type: 'warning',
      title: 'Tableau de bord QRR',
      message: 'La base de données est sur un partage réseau',
      detail: locationProblem,
      buttons: ['Continuer quand même', 'Quitter'],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
    });
    if (response !== 0) {
      logger.info('Arrêt demandé : base de données sur un partage réseau');
      app.quit();
      return;
    }
    logger.warn('Ouverture confirmée malgré le partage réseau');
  }
  const nativeBinding = electronNativeBinding();
  const pkcs11Binding = electronPkcs11Binding();
  // Opens (and migrates) the database in the core host, while the window is built: the page's first
  // requests wait for it. A DomainError (database from a newer version…) reaches fatal() below.
  const starting = createCoreClient({
    spawn: utilityProcessHost(path.join(__dirname, 'core-host.cjs')),
    init: {
      databasePath: paths.databasePath,
      backupDir: paths.backupDir,
      communesFile: path.join(__dirname, 'data', 'communes.json'),
      appVersion: app.getVersion(),
      osUser: osUserName(),
      origin: 'ui',
      ...(nativeBinding ? { nativeBinding } : {}),
      ...(pkcs11Binding ? { pkcs11Binding } : {}),
      // Per user and per workstation (a PKCS#11 module or a .p12 path only makes sense here).
      preferencesFile: path.join(userDataDir, PREFERENCES_FILE),
    },
    log: { error: (message, details) => logger.error(message, details), info: (message, details) => logger.info(message, details) },
    openedFiles,
  });
  // Rejections are handled by the await at the end of start(); this only keeps Node from reporting them twice.
  void starting.catch(() => undefined);
  registerCoreIpc(async () => core ?? (await starting.catch(() => null)), log);

  hardenSession(APP_ORIGIN, log);
  handleAppScheme(path.join(__dirname, '..', 'renderer'));
  installMenu(
    () => mainWindow,
    {
      appVersion: app.getVersion(),
      referentialVersion: SEED_REFERENTIAL.version,
      databasePath: paths.databasePath,
      dataDir: path.dirname(paths.databasePath),
      logsDir,
    },
    { openFile: (file) => queueFile(file, 'menu Importer') },
  );
  createWindow();
  core = await starting;
}

/** Work areas of the connected screens, the primary one first (where a window with no valid saved place goes). */
function workAreas(): Rectangle[] {
  const primary = screen.getPrimaryDisplay();
  return [primary, ...screen.getAllDisplays().filter((display) => display.id !== primary.id)].map((display) => display.workArea);
}

function createWindow(): void {
  const state = restoreWindowState(loadWindowState(windowStateFile), workAreas(), WINDOW_DEFAULTS);
  const win = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: WINDOW_DEFAULTS.minWidth,
    minHeight: WINDOW_DEFAULTS.minHeight,
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
  mainWindow = win;
  win.once('ready-to-show', () => {
    // maximize() also shows the window.
    if (state.maximized) win.maximize();
    else win.show();
  });
  win.on('close', () => {
    // The size and place to come back to, even when closed maximised.
    if (!saveWindowState(windowStateFile, { ...win.getNormalBounds(), maximized: win.isMaximized() })) {
      logger.warn('Position de la fenêtre non enregistrée', { file: windowStateFile });
    }
  });
  // The page refuses to unload while typed rows are not saved (renderer/src/leave-guard.tsx);
  // Electron shows no question of its own: ask here, staying being the default.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'warning',
      title: 'Tableau de bord QRR',
      message: 'Des lignes saisies ne sont pas enregistrées.',
      detail: "Leurs valeurs ne s'accordent pas encore. En fermant maintenant, elles seraient perdues.",
      buttons: ['Revenir à la saisie', 'Abandonner ces saisies'],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    });
    // preventDefault here lets the unload go on.
    if (choice === 1) event.preventDefault();
  });
  win.on('closed', () => {
    mainWindow = null;
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('window-all-closed', () => {
  const closing = core;
  core = null;
  // The host closes the database (WAL checkpoint) before the application leaves.
  void (closing ? closing.close() : Promise.resolve()).finally(() => app.quit());
});

function fatal(error: unknown): void {
  logger.error('Démarrage impossible', error);
  const message =
    error instanceof DomainError
      ? error.message
      : `L'application n'a pas pu démarrer : ${(error as Error)?.message ?? String(error)}`;
  dialog.showErrorBox('Tableau de bord QRR', message);
  app.exit(1);
}
