// Builds a second copy of the native modules for Electron's ABI:
// - better-sqlite3 into .electron-native/<electron version>/better_sqlite3.node,
//   handed to the app through QRR_NATIVE_BINDING;
// - pkcs11js (smart cards) into .electron-native/<electron version>/pkcs11js/,
//   a copy of the package (its index.js requires ./build/Release/pkcs11.node),
//   handed to the app through QRR_PKCS11_BINDING.
//
// node_modules keeps the Node builds: the tests run under plain Node and need
// them. See scripts/start-electron.mjs and electron/main.ts. Compiling needs Electron's headers, downloaded once from
// electronjs.org into ~/.electron-gyp, plus Python 3 and a C++ toolchain.
//
// Usage: node scripts/electron-native.mjs   (prints the paths of the bindings, one a line)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireFromRoot = createRequire(path.join(root, 'package.json'));

const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';
const HEADERS_DIR = path.join(os.homedir(), '.electron-gyp'); // shared with @electron/rebuild
const DOWNLOAD_TIMEOUT_MS = 3 * 60_000;
const COMPILE_TIMEOUT_MS = 20 * 60_000;

/** An expected failure, with a French message for the person starting the app. */
export class SetupError extends Error {}

export function electronInfo() {
  const dir = path.join(root, 'node_modules', 'electron');
  let version;
  try {
    version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch (error) {
    throw new SetupError(
      `Electron n'est pas installé : ${path.relative(root, path.join(dir, 'package.json'))} est illisible (${error.code ?? error.message}). Lancez « npm install ».`,
    );
  }
  let abi = null;
  try {
    abi = fs.readFileSync(path.join(dir, 'abi_version'), 'utf8').trim() || null;
  } catch {
    // Older Electron packages do not ship abi_version: the ABI check is then skipped.
  }
  return { dir, version, abi };
}

export const nativeBindingPath = (version) => path.join(root, '.electron-native', version, 'better_sqlite3.node');
export const pkcs11PackagePath = (version) => path.join(root, '.electron-native', version, 'pkcs11js');

/**
 * npm exports its configuration to scripts as npm_config_* variables, and
 * node-gyp reads them. Here ~/.npmrc sets nodedir=/usr: node-gyp would then
 * compile against Node's headers while claiming --target=<electron>, silently
 * producing a Node-ABI binary. Only our command-line flags must decide.
 */
export function cleanGypEnv(env) {
  const clean = { ...env };
  for (const key of Object.keys(clean)) {
    if (
      /^npm_config_(nodedir|target|runtime|dist[_-]?url|devdir|build[_-]from[_-]source|node[_-]gyp)$/i.test(key) ||
      /^npm_package_config_node_gyp_/i.test(key)
    ) {
      delete clean[key];
    }
  }
  return clean;
}

function findNodeGyp() {
  const candidates = [];
  try {
    candidates.push(requireFromRoot.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a dependency: try the copy bundled with npm
  }
  if (process.env.npm_execpath) {
    candidates.push(path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  const nodeDir = path.dirname(process.execPath);
  candidates.push(
    path.join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(nodeDir, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  return candidates.find((candidate) => fs.existsSync(candidate)) ?? null;
}

/** Runs a command, keeping the end of its output for the error message. */
function run(command, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill();
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, output: `${output}\n${error.message}`, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0 && !timedOut, output, timedOut });
    });
  });
}

const NOISE = /^gyp (info|verb)\b|^gyp ERR! (stack\s+at |System |command |cwd |node -v|node-gyp -v|not ok)/;

/**
 * The informative part of node-gyp's output: the first compiler errors, if
 * any, then the last lines (without node-gyp's stack trace and banner).
 */
const tail = (text, lines = 10) => {
  const all = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !NOISE.test(line.trim()));
  const errors = all.filter((line) => /(^|[\s:])(fatal )?error( C\d+)?:/i.test(line) && !line.startsWith('gyp ')).slice(0, 6);
  const last = all.slice(-lines).filter((line) => !errors.includes(line));
  return [...errors, ...(errors.length > 0 ? ['…'] : []), ...last].map((line) => `    ${line}`).join('\n');
};

/** A short explanation when `host` cannot even be resolved (typical offline symptom), else null. */
export function hostProblem(host) {
  const probe = spawnSync(
    process.execPath,
    ['-e', 'require("node:dns").lookup(process.argv[1], (e) => { if (e) console.log(e.message); });', host],
    { encoding: 'utf8', timeout: 10_000 },
  );
  const message = (probe.stdout ?? '').trim();
  return message ? `${host} injoignable : ${message}` : null;
}

/** Loads the binary in plain Node (a child process) to read which ABI it was built for. */
function checkAbi(file, expectedAbi, pkg) {
  const probe = spawnSync(
    process.execPath,
    ['-e', 'try { process.dlopen({ exports: {} }, process.argv[1]); console.log("LOADED"); } catch (e) { console.log(e.message); }', file],
    { encoding: 'utf8', timeout: 30_000 },
  );
  const text = `${probe.stdout ?? ''}${probe.stderr ?? ''}`;
  if (/^LOADED/m.test(text)) {
    throw new SetupError(
      `Impossible de compiler ${pkg} pour Electron : le module obtenu se charge dans Node ${process.version}, il a donc été compilé pour Node et non pour Electron. ` +
        `Vérifiez qu'aucune variable npm_config_nodedir / npm_config_target ne force les en-têtes de Node.`,
    );
  }
  const found = /NODE_MODULE_VERSION (\d+)/.exec(text)?.[1];
  if (expectedAbi && found && found !== expectedAbi) {
    throw new SetupError(
      `Impossible de compiler ${pkg} pour Electron : le module obtenu vise l'ABI ${found}, Electron attend l'ABI ${expectedAbi}.`,
    );
  }
  return found ?? null;
}

/**
 * Compiles `pkg` for `electron` in a private copy (node_modules is never
 * touched) and hands the copy to `install(work, built, abi)`, which puts what
 * it needs in place; the copy is then removed. Throws a SetupError in French.
 */
async function compileForElectron(pkg, binary, electron, log, install) {
  let moduleDir;
  try {
    moduleDir = path.dirname(requireFromRoot.resolve(`${pkg}/package.json`));
  } catch {
    throw new SetupError(`${pkg} n'est pas installé (node_modules/${pkg} introuvable) : lancez « npm install ».`);
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    throw new SetupError(
      `Impossible de compiler ${pkg} pour Electron : node-gyp est introuvable (ni dans node_modules, ni avec npm). Lancez « npm install ».`,
    );
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), `qrr-${pkg}-electron-`));
  try {
    // A private copy, without the Node build, so node_modules is never touched.
    fs.cpSync(moduleDir, work, {
      recursive: true,
      filter: (src) => {
        const relative = path.relative(moduleDir, src).split(path.sep)[0];
        return relative !== 'build' && relative !== 'node_modules';
      },
    });
    const env = cleanGypEnv(process.env);
    const flags = [
      `--target=${electron.version}`,
      `--dist-url=${ELECTRON_HEADERS_URL}`,
      '--runtime=electron',
      `--devdir=${HEADERS_DIR}`,
    ];

    log(`En-têtes d'Electron ${electron.version} (téléchargés une seule fois depuis ${ELECTRON_HEADERS_URL})…`);
    const headers = await run(process.execPath, [nodeGyp, 'install', '--ensure', ...flags], { cwd: work, env, timeoutMs: DOWNLOAD_TIMEOUT_MS });
    if (!headers.ok) {
      const offline = hostProblem(new URL(ELECTRON_HEADERS_URL).hostname);
      throw new SetupError(
        `Impossible de compiler ${pkg} pour Electron : les en-têtes d'Electron ${electron.version} n'ont pas pu être téléchargés depuis ${ELECTRON_HEADERS_URL}` +
          `${headers.timedOut ? ` (délai de ${DOWNLOAD_TIMEOUT_MS / 60_000} min dépassé)` : ''}${offline ? ` (${offline})` : ''}.\n` +
          `  Une connexion internet est nécessaire une fois ; les en-têtes sont ensuite conservés dans ${HEADERS_DIR}.\n` +
          `  Détail (node-gyp) :\n${tail(headers.output)}`,
      );
    }

    log(`Compilation de ${pkg} pour Electron ${electron.version} (une à deux minutes)…`);
    const build = await run(process.execPath, [nodeGyp, 'rebuild', '--release', ...flags], {
      cwd: work,
      env,
      timeoutMs: COMPILE_TIMEOUT_MS,
    });
    const built = path.join(work, 'build', 'Release', binary);
    if (!build.ok || !fs.existsSync(built)) {
      throw new SetupError(
        `Impossible de compiler ${pkg} pour Electron ${electron.version}` +
          `${build.timedOut ? ` (délai de ${COMPILE_TIMEOUT_MS / 60_000} min dépassé)` : ''}.\n` +
          '  Il faut Python 3 et un compilateur C++ (Linux : build-essential ; Windows : Visual Studio Build Tools, « Développement Desktop en C++ »).\n' +
          `  Détail (node-gyp) :\n${tail(build.output)}`,
      );
    }
    install(work, built, checkAbi(built, electron.abi, pkg));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Returns the path of better_sqlite3.node built for the installed Electron,
 * compiling it first if needed. Throws a SetupError with a French message.
 */
export async function ensureElectronNative({ log = (message) => console.log(message) } = {}) {
  const electron = electronInfo();
  const target = nativeBindingPath(electron.version);
  if (fs.existsSync(target)) {
    log(`Module natif better-sqlite3 pour Electron ${electron.version} : ${path.relative(root, target)}`);
    return target;
  }
  await compileForElectron('better-sqlite3', 'better_sqlite3.node', electron, log, (_work, built, abi) => {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.tmp`;
    fs.copyFileSync(built, partial);
    fs.renameSync(partial, target);
    log(`Module natif prêt${abi ? ` (ABI ${abi})` : ''} : ${path.relative(root, target)}`);
  });
  return target;
}

/**
 * Returns the folder of a pkcs11js package built for the installed Electron
 * (smart cards and USB tokens), compiling it first if needed.
 */
export async function ensureElectronPkcs11({ log = (message) => console.log(message) } = {}) {
  const electron = electronInfo();
  const target = pkcs11PackagePath(electron.version);
  if (fs.existsSync(path.join(target, 'build', 'Release', 'pkcs11.node'))) {
    log(`Module natif pkcs11js pour Electron ${electron.version} : ${path.relative(root, target)}`);
    return target;
  }
  await compileForElectron('pkcs11js', 'pkcs11.node', electron, log, (work, built, abi) => {
    // What index.js needs at run time, nothing of the sources.
    const partial = `${target}.${process.pid}.tmp`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(path.join(partial, 'build', 'Release'), { recursive: true });
    for (const file of ['package.json', 'index.js', 'index.d.ts']) fs.copyFileSync(path.join(work, file), path.join(partial, file));
    fs.copyFileSync(built, path.join(partial, 'build', 'Release', 'pkcs11.node'));
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(partial, target);
    log(`Module natif prêt${abi ? ` (ABI ${abi})` : ''} : ${path.relative(root, target)}`);
  });
  return target;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  try {
    const log = (message) => console.error(message);
    console.log(await ensureElectronNative({ log }));
    console.log(await ensureElectronPkcs11({ log }));
  } catch (error) {
    console.error(error instanceof SetupError ? error.message : error);
    process.exitCode = 1;
  }
}
