// `npm start` (after `npm run build`): starts the built application in Electron.
//
//   npm start -- --db=C:\chemin\qrr.sqlite     extra arguments go to the application
//
// 1. finds the Electron binary (downloaded from GitHub the first time);
// 2. makes sure better-sqlite3 and pkcs11js are compiled for Electron (scripts/electron-native.mjs);
// 3. runs Electron on the project folder (package.json "main" = dist/electron/main.cjs)
//    with QRR_NATIVE_BINDING and QRR_PKCS11_BINDING pointing at those builds.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SetupError, electronInfo, ensureElectronNative, ensureElectronPkcs11, hostProblem, root } from './electron-native.mjs';

const requireFromRoot = createRequire(path.join(root, 'package.json'));
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

const fail = (message) => {
  console.error(`\n${message}\n`);
  process.exit(1);
};

/** Path of the Electron executable, downloading it first if needed (and possible). */
function locateElectron() {
  const electron = electronInfo();
  const pathFile = path.join(electron.dir, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const installed =
    fs.existsSync(pathFile) && fs.existsSync(path.join(electron.dir, 'dist', fs.readFileSync(pathFile, 'utf8')));

  if (!override && !installed) {
    // The `electron` package fetches its binary on first use; run that step
    // ourselves, with a time limit and a readable message when it fails.
    console.log(`Téléchargement d'Electron ${electron.version} depuis GitHub (une seule fois)…`);
    const download = spawnSync(process.execPath, [path.join(electron.dir, 'install.js')], {
      cwd: root,
      encoding: 'utf8',
      timeout: DOWNLOAD_TIMEOUT_MS,
    });
    if (download.status !== 0) {
      const output = `${download.stdout ?? ''}${download.stderr ?? ''}${download.error ? `\n${download.error.message}` : ''}`;
      const firstLine = output
        .split(/\r?\n/)
        .map((line) => line.trim())
        .find((line) => line !== '' && !line.startsWith('at '));
      const cause = [firstLine ?? `code de sortie ${download.status}`, hostProblem('github.com')].filter(Boolean).join(' ; ');
      fail(
        `Electron n'est pas installé : le téléchargement d'Electron ${electron.version} a échoué (${cause}).\n` +
          '  Une connexion internet vers github.com est nécessaire une fois ; Electron est ensuite conservé dans node_modules/electron/dist.\n' +
          '  Sinon, indiquez un Electron déjà installé : ELECTRON_OVERRIDE_DIST_PATH=<dossier contenant l’exécutable>.',
      );
    }
  }

  let executable;
  try {
    // With the binary present (or ELECTRON_OVERRIDE_DIST_PATH set) this only returns its path.
    executable = requireFromRoot('electron');
  } catch (error) {
    fail(`Electron n'est pas installé : ${error.message}`);
  }
  if (typeof executable !== 'string' || !fs.existsSync(executable)) {
    fail(`Electron n'est pas installé : exécutable introuvable (${executable}).`);
  }
  return executable;
}

const mainFile = path.join(root, 'dist', 'electron', 'main.cjs');
if (!fs.existsSync(mainFile)) {
  fail(`L'application n'est pas construite (${path.relative(root, mainFile)} introuvable) : lancez « npm run build » ou « npm start ».`);
}

let electronPath;
let nativeBinding;
let pkcs11Binding;
try {
  electronPath = locateElectron();
  nativeBinding = await ensureElectronNative();
  pkcs11Binding = await ensureElectronPkcs11();
} catch (error) {
  fail(error instanceof SetupError ? error.message : `Démarrage impossible : ${error?.stack ?? error}`);
}

const env = { ...process.env, QRR_NATIVE_BINDING: nativeBinding, QRR_PKCS11_BINDING: pkcs11Binding };
delete env.ELECTRON_RUN_AS_NODE;

const shown = path.relative(root, electronPath).startsWith('..') ? electronPath : path.relative(root, electronPath);
console.log(`Démarrage de l'application (${shown})…`);
const child = spawn(electronPath, [root, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
child.on('error', (error) => fail(`Impossible de lancer Electron (${electronPath}) : ${error.message}`));
// Ctrl+C reaches Electron too (same terminal); wait for it to close instead of dying first.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
