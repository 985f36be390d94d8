/**
 * Command line: `npm run cli -- <commande> --db CHEMIN [options]`.
 * Argument parsing and printing only; the work is done by the services,
 * through the same createAppCore as the application.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pkg from '../package.json';
import { createAppCore, type AppCore } from '../electron/services/app-core';
import {
  DEFAULT_DEMO_SEED,
  DEMO_NOT_EMPTY_MESSAGE,
  DEMO_ORIGIN,
  DEMO_SCALES,
  describeDatabase,
  generateDemo,
  type DemoScale,
} from '../electron/services/demo';
import { PERIOD_STATE_LABELS } from '../shared/domain/period';
import type { Period } from '../shared/domain/types';
import { formatDateTime, formatInteger } from '../shared/format/fr';
import { formatFixedFr } from '../shared/format/number-fr';
import { DomainError } from '../shared/ipc/result';

const HELP = `Tableau de bord QRR — ligne de commande

Utilisation : npm run cli -- <commande> --db CHEMIN [options]

Commandes :
  demo      Installe un jeu de données de démonstration (fictif) dans une base vide.
              --scale departement|national  département fictif de 3 quartiers sur 8 trimestres
                                            (par défaut), ou essai de charge de 1 600 quartiers
                                            sur 2 trimestres
              --seed N                      graine du générateur (par défaut ${DEFAULT_DEMO_SEED}) :
                                            même graine, mêmes données
  info      Affiche le contenu d'une base : versions, département, nombre de quartiers,
            de trimestres et de valeurs, taille du fichier.
  periods   Liste les trimestres et leur état (ouvert, transmis, rouvert).
  help      Affiche cette aide.

Options communes :
  --db CHEMIN   fichier de la base SQLite (obligatoire ; relatif au dossier courant)
  -h, --help    affiche cette aide

Exemples :
  npm run cli -- demo --db essais/demo.sqlite
  npm run cli -- info --db essais/demo.sqlite
`;

const COMMANDS = ['demo', 'info', 'periods', 'help'] as const;
type Command = (typeof COMMANDS)[number];
const OPTIONS_OF: Readonly<Record<Command, readonly string[]>> = {
  demo: ['db', 'scale', 'seed', 'help'],
  info: ['db', 'help'],
  periods: ['db', 'help'],
  help: ['help'],
};

/** A mistake in the command line: French message, help shown, exit code 2. */
class UsageError extends Error {}

const out = (text = ''): void => void process.stdout.write(`${text}\n`);
const err = (text = ''): void => void process.stderr.write(`${text}\n`);

/** node:util parseArgs errors are in English: say the same in French. */
function frenchParseError(error: unknown): UsageError {
  const e = error as { code?: string; message?: string };
  const option = /'([^']+)'/.exec(e.message ?? '')?.[1]?.split(/[ ,]/)[0];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`Option inconnue : ${option ?? '?'}.`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(`L'option ${option ?? ''} attend une valeur (par exemple --db base.sqlite).`.replace('  ', ' '));
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`Argument inattendu : ${option ?? '?'}.`);
    default:
      return new UsageError(`Ligne de commande invalide : ${e.message ?? String(error)}`);
  }
}

interface Parsed {
  readonly command: Command | null;
  readonly help: boolean;
  readonly db?: string;
  readonly scale?: string;
  readonly seed?: string;
}

function parse(argv: readonly string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        db: { type: 'string' },
        scale: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw frenchParseError(error);
  }
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) return { command: null, help: parsed.values.help ?? false };
  if (!(COMMANDS as readonly string[]).includes(name)) throw new UsageError(`Commande inconnue : « ${name} ».`);
  if (extra.length > 0) throw new UsageError(`Argument inattendu : « ${extra[0]} ».`);
  const command = name as Command;
  for (const [key, v] of Object.entries(parsed.values)) {
    if (v !== undefined && !OPTIONS_OF[command].includes(key)) {
      throw new UsageError(`L'option --${key} ne s'applique pas à la commande ${command}.`);
    }
  }
  return { command, help: parsed.values.help ?? false, ...parsed.values };
}

function requireDb(parsed: Parsed, mustExist: boolean): string {
  if (!parsed.db || parsed.db.trim() === '') throw new UsageError(`L'option --db CHEMIN est obligatoire pour la commande ${parsed.command}.`);
  const file = path.resolve(process.cwd(), parsed.db);
  if (mustExist && !fs.existsSync(file)) throw new DomainError('NOT_FOUND', `Le fichier « ${file} » n'existe pas.`);
  return file;
}

function osUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USERNAME ?? process.env.USER ?? 'inconnu';
  }
}

/** No start-up backup: info and periods only read, demo only fills an empty base (a migration still backs up first). */
async function openCore(databasePath: string, origin: string): Promise<AppCore> {
  return createAppCore({
    startupBackup: false,
    databasePath,
    backupDir: path.join(path.dirname(databasePath), 'sauvegardes'),
    communesFile: require.resolve('@etalab/decoupage-administratif/data/communes.json'),
    appVersion: pkg.version,
    osUser: osUserName(),
    origin,
    log: { error: (message, details) => err(`[qrr] ${message} ${details instanceof Error ? (details.stack ?? details.message) : ''}`) },
  });
}

async function withCore<T>(databasePath: string, origin: string, run: (core: AppCore) => Promise<T>): Promise<T> {
  const core = await openCore(databasePath, origin);
  try {
    return await run(core);
  } finally {
    core.close();
  }
}

/** `12,3 Mo` */
function formatSize(bytes: number): string {
  if (bytes < 1024) return `${formatInteger(bytes)} octets`;
  if (bytes < 1024 * 1024) return `${formatFixedFr(bytes / 1024, 1)} Ko`;
  return `${formatFixedFr(bytes / (1024 * 1024), 1)} Mo`;
}

const line = (label: string, value: string): string => `  ${`${label} :`.padEnd(28)} ${value}`;

async function demo(parsed: Parsed): Promise<void> {
  const databasePath = requireDb(parsed, false);
  const scale = (parsed.scale ?? 'departement') as DemoScale;
  if (!(DEMO_SCALES as readonly string[]).includes(scale)) {
    throw new UsageError(`Échelle inconnue « ${parsed.scale} » : departement ou national.`);
  }
  let seed = DEFAULT_DEMO_SEED;
  if (parsed.seed !== undefined) {
    if (!/^\d{1,9}$/.test(parsed.seed)) throw new UsageError(`La graine doit être un nombre entier positif (reçu « ${parsed.seed} »).`);
    seed = Number(parsed.seed);
  }
  const started = performance.now();
  const summary = await withCore(databasePath, DEMO_ORIGIN, (core) =>
    generateDemo(core, { scale, seed, now: new Date(), onProgress: (message) => err(`… ${message}`) }),
  ).catch((error: unknown) => {
    // Stopped half-way (each request is its own transaction): say so, unless nothing was written.
    if (error instanceof DomainError && error.message !== DEMO_NOT_EMPTY_MESSAGE) {
      throw new DomainError(error.code, `${error.message}\nLa base « ${databasePath} » peut être incomplète : supprimez-la avant de relancer.`);
    }
    throw error;
  });
  const seconds = (performance.now() - started) / 1000;
  out(`Démonstration installée dans ${databasePath}`);
  out(`Données FICTIVES (échelle ${scale === 'national' ? 'nationale' : 'départementale'}, graine ${seed}) :`);
  out(line('Quartiers', formatInteger(summary.qrrs)));
  out(line('Trimestres', formatInteger(summary.periods)));
  out(line("Valeurs d'indicateurs", formatInteger(summary.indicatorValues)));
  out(line("Statuts d'actions", formatInteger(summary.actionStatuses)));
  out(line('Appréciations', formatInteger(summary.assessments)));
  out(`Durée : ${formatFixedFr(seconds, 1)} s`);
}

async function info(parsed: Parsed): Promise<void> {
  const databasePath = requireDb(parsed, true);
  const d = await withCore(databasePath, 'cli', (core) => describeDatabase(core, databasePath));
  out(`Base de données : ${databasePath}`);
  out(line('Version du schéma', String(d.schemaVersion)));
  out(line('Version du référentiel', String(d.referentialVersion)));
  out(line('Département', d.departementCode ? `${d.departementNom} (${d.departementCode})` : 'non choisi'));
  out(line('Quartiers', `${formatInteger(d.qrrs)}${d.archivedQrrs > 0 ? ` (dont ${formatInteger(d.archivedQrrs)} archivés)` : ''}`));
  const byState = [
    [d.openPeriods, 'ouvert', 'ouverts'],
    [d.transmittedPeriods, 'transmis', 'transmis'],
    [d.reopenedPeriods, 'rouvert', 'rouverts'],
  ] as const;
  const states = byState.filter(([n]) => n > 0).map(([n, one, many]) => `${formatInteger(n)} ${n > 1 ? many : one}`);
  out(line('Trimestres', `${formatInteger(d.periods)}${states.length > 0 ? ` (${states.join(', ')})` : ''}`));
  out(line("Valeurs d'indicateurs", formatInteger(d.indicatorValues)));
  out(line("Statuts d'actions", formatInteger(d.actionStatuses)));
  out(line('Appréciations', formatInteger(d.assessments)));
  out(line('Entrées du journal', formatInteger(d.auditEntries)));
  out(line('Taille de la base', formatSize(d.sizeBytes)));
}

async function periods(parsed: Parsed): Promise<void> {
  const databasePath = requireDb(parsed, true);
  const list = await withCore(databasePath, 'cli', async (core) => {
    const result = await core.dispatch('listPeriods', undefined);
    if (!result.ok) throw new DomainError(result.error.code, result.error.message);
    return result.value as readonly Period[];
  });
  if (list.length === 0) {
    out('Aucun trimestre ouvert dans cette base.');
    return;
  }
  out(`${formatInteger(list.length)} trimestre${list.length > 1 ? 's' : ''} :`);
  for (const p of list) {
    const when =
      p.state === 'transmitted' && p.transmittedAt
        ? ` le ${formatDateTime(p.transmittedAt)}`
        : p.state === 'reopened' && p.reopenedAt
          ? ` le ${formatDateTime(p.reopenedAt)} (motif : ${p.reopenReason ?? ''})`
          : '';
    out(`  ${p.code}  ${p.label.padEnd(20)}  ${PERIOD_STATE_LABELS[p.state]}${when}`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(error.message);
    err();
    err(HELP);
    return 2;
  }
  if (parsed.help || parsed.command === 'help') {
    out(HELP);
    return 0;
  }
  if (parsed.command === null) {
    err('Indiquez une commande.');
    err();
    err(HELP);
    return 2;
  }
  try {
    if (parsed.command === 'demo') await demo(parsed);
    else if (parsed.command === 'info') await info(parsed);
    else await periods(parsed);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      err(error.message);
      err();
      err(HELP);
      return 2;
    }
    if (error instanceof DomainError) {
      err(`Erreur : ${error.message}`);
      return 1;
    }
    err(`Erreur inattendue : ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof Error && error.stack) err(error.stack);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    err(`Erreur inattendue : ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
