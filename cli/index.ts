/**
 * Command line: `npm run cli -- <commande> --db CHEMIN [options]`.
 * Argument parsing and printing only; the work is done by the services,
 * through the same createAppCore as the application (info and periods: on a
 * read-only copy, see withReadOnlyCore). report, verify, export and import live
 * in cli/commands/, with what the commands share (cli/commands/shared.ts).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DEMO_SEED, DEMO_NOT_EMPTY_MESSAGE, DEMO_ORIGIN, DEMO_SCALES, type DemoScale } from '../electron/services/demo-options';
import { PERIOD_STATE_LABELS } from '../shared/domain/period';
import type { Period } from '../shared/domain/types';
import { formatDateTime, formatInteger } from '../shared/format/fr';
import { formatFixedFr } from '../shared/format/number-fr';
import { DomainError } from '../shared/ipc/result';
import { err, formatSize, line, out, requireDb, UsageError, withCore, withReadOnlyCore } from './commands/shared';
import { oneLine, quietTerminal } from './terminal';
// Each command is loaded when it runs (a dynamic import: its own chunk in the
// bundle, scripts/build-cli.mjs), so starting the CLI costs only what it uses.

quietTerminal();

const HELP = `Tableau de bord QRR — ligne de commande

Utilisation : npm run cli -- <commande> --db CHEMIN [options]
              npm run cli -- import --db CHEMIN FICHIER.qrr [options]
              npm run cli -- verify FICHIER.pdf [options]
              npm run cli -- consolidate FICHIER.qrr... [options]

Commandes :
  demo      Installe un jeu de données de démonstration (fictif) dans une base vide.
              --scale departement|national  département fictif de 3 quartiers sur 8 trimestres
                                            (par défaut), ou essai de charge de 1 600 quartiers
                                            sur 8 trimestres
              --seed N                      graine du générateur (par défaut ${DEFAULT_DEMO_SEED}) :
                                            même graine, mêmes données
  info      Affiche le contenu d'une base : versions, département, nombre de quartiers,
            de trimestres et de valeurs, taille du fichier. Lecture seule.
  periods   Liste les trimestres et leur état (ouvert, transmis, rouvert). Lecture seule.
  export    Enregistre le fichier d'échange (.qrr) de trimestres de la base.
              --period 2026-T4              trimestre à exporter (répétable ; par défaut : tous)
              --out FICHIER.qrr             fichier à créer (extension .qrr ajoutée si absente ;
                                            un dossier : nom habituel dedans ; par défaut
                                            qrr-<département>-<trimestre ou tout>.qrr ici)
  import    Importe le fichier d'échange d'un collègue (même département) : fichier .qrr,
            rapport PDF produit par l'application (sa signature est vérifiée d'abord : un
            rapport modifié après signature est refusé) ou classeur .xlsx de l'application.
              --trust RACINE.pem            autorité de confiance pour les rapports PDF (répétable)
              --accept-unverified           importe quand même un rapport non signé, ou signé par
                                            un certificat qui ne remonte à aucune --trust
              --dry-run                     aperçu seulement (nouveau, identique, en conflit,
                                            verrouillé, refusé avec sa raison) : la base n'est
                                            pas modifiée ; code de sortie 1 si des données
                                            seraient refusées (sauf avec --skip-refused)
              --skip-refused                importe le reste quand des données sont refusées
                                            (sans cette option, le fichier est refusé en entier,
                                            avant toute sauvegarde)
              --json                        avec --dry-run : l'aperçu au format JSON
              --resolve mine|theirs         conflits : garder la valeur de cette base (mine,
                                            par défaut) ou prendre celle du fichier (theirs) ;
                                            les données nouvelles sont toujours prises
            Sauvegarde « avant-import » puis une seule transaction, journalisée avec
            l'origine import:<nom du fichier>. Fichier refusé : rien n'est modifié.
  report    Produit le rapport trimestriel en PDF, signé si un certificat est fourni.
              --period 2026-T4              trimestre du rapport (obligatoire)
              --out FICHIER.pdf             fichier à créer (obligatoire ; remplacé s'il existe)
              --p12 FICHIER                 certificat de signature (.p12 ou .pfx)
              --password-env VARIABLE       NOM de la variable d'environnement qui contient le
                                            mot de passe du certificat : le mot de passe ne se
                                            donne jamais sur la ligne de commande (il resterait
                                            dans l'historique et la liste des processus)
              --pkcs11 MODULE               signe avec une carte agent / clé USB : chemin du module
                                            PKCS#11 de la carte (opensc-pkcs11.dll…) ; la clé ne
                                            quitte pas la carte
              --slot N                      emplacement (lecteur) de la carte, si plusieurs
              --cert-label ÉTIQUETTE        certificat de la carte, si elle en a plusieurs
              --pin-env VARIABLE            NOM de la variable d'environnement qui contient le code
                                            PIN (jamais sur la ligne de commande)
              --trust RACINE.pem            avant de produire quoi que ce soit, exige que le
                                            certificat remonte à cette autorité (répétable)
              --transmit                    marque le trimestre transmis (rapport signé
                                            seulement, trimestre pas encore transmis)
              --tsa URL                     autorité d'horodatage RFC 3161 : la signature est
                                            horodatée (par défaut : celle des Paramètres de la
                                            base) ; si elle ne répond pas, rien n'est produit
              --without-timestamp           signer sans horodatage, même si une autorité
                                            d'horodatage est configurée (choix explicite)
              --confirm-incomplete          avec --transmit : transmet malgré les éléments
                                            manquants (sinon la liste est affichée et rien
                                            n'est transmis)
  verify    Vérifie la signature d'un rapport PDF (sans --db).
              --trust RACINE.pem            autorité de confiance (PEM ou DER, répétable) : le
                                            certificat doit alors remonter à l'une d'elles
              --json                        verdict au format JSON
            Code de sortie 0 seulement pour un document signé, intact et couvert en entier
            par la signature (avec --trust : et un certificat de confiance) ; 1 sinon.
  consolidate
            Synthèse nationale des fichiers d'échange de plusieurs départements (sans --db,
            lecture seule : aucune base n'est ouverte). Un fichier par département (le plus
            récent est retenu s'il y en a plusieurs) ; un fichier refusé arrête tout (code 1).
              --period 2026-T4              trimestre (par défaut : le plus récent présent dans
                                            tous les fichiers, sinon le plus récent)
              --out FICHIER.pdf             synthèse en PDF, non signée (remplacée si elle existe)
              --json                        le modèle de la synthèse au format JSON (sortie standard)
  help      Affiche cette aide.

Options communes :
  --db CHEMIN   fichier de la base SQLite (obligatoire sauf pour verify et consolidate ;
                relatif au dossier courant)
                (info, periods et import --dry-run demandent une base à jour : ouvrez-la une fois
                dans l'application si elle vient d'une version précédente)
  -h, --help    affiche cette aide

Codes de sortie : 0 réussite, 1 erreur (ou, pour verify, signature non valide), 2 ligne de commande invalide.

Exemples :
  npm run cli -- demo --db essais/demo.sqlite
  npm run cli -- info --db essais/demo.sqlite
  read -rs QRR_MDP && export QRR_MDP     (saisie masquée du mot de passe)
  npm run cli -- report --db essais/demo.sqlite --period 2026-T4 --out rapport.pdf --p12 signature.p12 --password-env QRR_MDP
  read -rs QRR_PIN && export QRR_PIN
  npm run cli -- report --db essais/demo.sqlite --period 2026-T4 --out rapport.pdf --pkcs11 /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so --pin-env QRR_PIN
  npm run cli -- verify rapport.pdf --trust racine.pem
  npm run cli -- export --db essais/demo.sqlite --period 2026-T3 --period 2026-T4 --out echange.qrr
  npm run cli -- import --db essais/autre.sqlite echange.qrr --dry-run
  npm run cli -- import --db essais/autre.sqlite echange.qrr --resolve theirs
  npm run cli -- consolidate recus/*.qrr --period 2026-T4 --out synthese.pdf
`;

const COMMANDS = ['demo', 'info', 'periods', 'report', 'verify', 'export', 'import', 'consolidate', 'help'] as const;
type Command = (typeof COMMANDS)[number];
const OPTIONS_OF: Readonly<Record<Command, readonly string[]>> = {
  demo: ['db', 'scale', 'seed', 'help'],
  info: ['db', 'help'],
  periods: ['db', 'help'],
  report: ['db', 'period', 'out', 'p12', 'password-env', 'pkcs11', 'slot', 'cert-label', 'pin-env', 'trust', 'transmit', 'confirm-incomplete', 'tsa', 'without-timestamp', 'help'],
  verify: ['trust', 'json', 'help'],
  export: ['db', 'period', 'out', 'help'],
  import: ['db', 'dry-run', 'json', 'resolve', 'trust', 'accept-unverified', 'skip-refused', 'help'],
  consolidate: ['period', 'out', 'json', 'help'],
  help: ['help'],
};
/** Positional arguments after the command name. */
const POSITIONALS_OF: Readonly<Record<Command, number>> = { demo: 0, info: 0, periods: 0, report: 0, verify: 1, export: 0, import: 1, consolidate: Number.POSITIVE_INFINITY, help: 0 };

/** node:util parseArgs errors are in English: say the same in French. */
function frenchParseError(error: unknown): UsageError {
  const e = error as { code?: string; message?: string };
  const option = /'([^']+)'/.exec(e.message ?? '')?.[1]?.split(/[ ,]/)[0];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      if (option === '--pin' || option?.startsWith('--pin=')) {
        return new UsageError("Le code PIN de la carte ne se donne jamais sur la ligne de commande : mettez-le dans une variable d'environnement et indiquez son nom avec --pin-env VARIABLE.");
      }
      if (option === '--password' || option?.startsWith('--password=')) {
        return new UsageError('Le mot de passe du certificat ne se donne jamais sur la ligne de commande : mettez-le dans une variable d\'environnement et indiquez son nom avec --password-env VARIABLE.');
      }
      return new UsageError(`Option inconnue : ${option ?? '?'}.`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(e.message ?? '')) return new UsageError(`L'option ${option ?? ''} ne prend pas de valeur.`);
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
  readonly positionals: readonly string[];
  readonly db?: string;
  readonly scale?: string;
  readonly seed?: string;
  readonly period?: readonly string[];
  readonly out?: string;
  readonly p12?: string;
  readonly 'password-env'?: string;
  readonly pkcs11?: string;
  readonly slot?: string;
  readonly 'cert-label'?: string;
  readonly 'pin-env'?: string;
  readonly trust?: readonly string[];
  readonly transmit?: boolean;
  readonly 'confirm-incomplete'?: boolean;
  readonly json?: boolean;
  readonly 'dry-run'?: boolean;
  readonly resolve?: string;
  readonly 'accept-unverified'?: boolean;
  readonly 'skip-refused'?: boolean;
  readonly tsa?: string;
  readonly 'without-timestamp'?: boolean;
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
        // Repeatable for export; report takes one (see singlePeriod).
        period: { type: 'string', multiple: true },
        out: { type: 'string' },
        p12: { type: 'string' },
        'password-env': { type: 'string' },
        pkcs11: { type: 'string' },
        slot: { type: 'string' },
        'cert-label': { type: 'string' },
        'pin-env': { type: 'string' },
        trust: { type: 'string', multiple: true },
        transmit: { type: 'boolean' },
        'confirm-incomplete': { type: 'boolean' },
        json: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        resolve: { type: 'string' },
        'accept-unverified': { type: 'boolean' },
        'skip-refused': { type: 'boolean' },
        tsa: { type: 'string' },
        'without-timestamp': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw frenchParseError(error);
  }
  const [name, ...positionals] = parsed.positionals;
  if (name === undefined) return { command: null, help: parsed.values.help ?? false, positionals: [] };
  if (!(COMMANDS as readonly string[]).includes(name)) throw new UsageError(`Commande inconnue : « ${name} ».`);
  const command = name as Command;
  if (positionals.length > POSITIONALS_OF[command]) throw new UsageError(`Argument inattendu : « ${positionals[POSITIONALS_OF[command]]} ».`);
  for (const [key, v] of Object.entries(parsed.values)) {
    if (v !== undefined && !OPTIONS_OF[command].includes(key)) {
      throw new UsageError(`L'option --${key} ne s'applique pas à la commande ${command}.`);
    }
  }
  return { ...parsed.values, command, help: parsed.values.help ?? false, positionals };
}

/** report makes one quarter's report: a repeated --period is a mistake, not a choice. */
function singlePeriod(periods: readonly string[] | undefined): string | undefined {
  if (periods && periods.length > 1) throw new UsageError("L'option --period ne se donne qu'une fois pour la commande report.");
  return periods?.[0];
}

async function demo(parsed: Parsed): Promise<void> {
  const databasePath = requireDb(parsed.db, 'demo', false);
  const scale = (parsed.scale ?? 'departement') as DemoScale;
  if (!(DEMO_SCALES as readonly string[]).includes(scale)) {
    throw new UsageError(`Échelle inconnue « ${parsed.scale} » : departement ou national.`);
  }
  let seed = DEFAULT_DEMO_SEED;
  if (parsed.seed !== undefined) {
    if (!/^\d{1,9}$/.test(parsed.seed)) throw new UsageError(`La graine doit être un nombre entier positif (reçu « ${parsed.seed} »).`);
    seed = Number(parsed.seed);
  }
  const { generateDemo } = await import('../electron/services/demo');
  const started = performance.now();
  const { isDemonstrationOnly, removeDemonstration } = await import('./demo-leftover');
  if (isDemonstrationOnly(databasePath)) {
    // A demonstration stopped half-way: only fictitious data written by this command.
    err(`Démonstration déjà commencée dans « ${databasePath} » (données fictives seulement) : elle est effacée et réinstallée.`);
    removeDemonstration(databasePath);
  }
  const summary = await withCore(databasePath, DEMO_ORIGIN, (core) =>
    generateDemo(core, { scale, seed, now: new Date(), onProgress: (message) => err(`… ${message}`) }),
  ).catch((error: unknown) => {
    // Stopped half-way (each request is its own transaction): say so, unless nothing was written.
    if (error instanceof DomainError && error.message !== DEMO_NOT_EMPTY_MESSAGE) {
      throw new DomainError(error.code, `${error.message} La base « ${databasePath} » est incomplète : relancez la même commande pour l'effacer et la réinstaller.`);
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
  const databasePath = requireDb(parsed.db, 'info', true);
  const { describeDatabase } = await import('../electron/services/demo');
  const d = await withReadOnlyCore(databasePath, (core) => describeDatabase(core, databasePath));
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
  const databasePath = requireDb(parsed.db, 'periods', true);
  const list = await withReadOnlyCore(databasePath, async (core) => {
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
    switch (parsed.command) {
      case 'demo':
        await demo(parsed);
        return 0;
      case 'info':
        await info(parsed);
        return 0;
      case 'periods':
        await periods(parsed);
        return 0;
      case 'report':
        await (await import('./commands/report')).report({
          ...parsed,
          period: singlePeriod(parsed.period),
          passwordEnv: parsed['password-env'],
          certLabel: parsed['cert-label'],
          pinEnv: parsed['pin-env'],
          withoutTimestamp: parsed['without-timestamp'],
          confirmIncomplete: parsed['confirm-incomplete'],
        });
        return 0;
      case 'export':
        await (await import('./commands/exchange')).exportCommand(parsed);
        return 0;
      case 'import':
        return await (await import('./commands/exchange')).importCommand({
          ...parsed,
          file: parsed.positionals[0],
          dryRun: parsed['dry-run'],
          acceptUnverified: parsed['accept-unverified'],
          skipRefused: parsed['skip-refused'],
        });
      case 'verify':
        return await (await import('./commands/verify')).verify({ ...parsed, file: parsed.positionals[0] });
      case 'consolidate':
        await (await import('./commands/consolidate')).consolidate({ ...parsed, files: parsed.positionals });
        return 0;
    }
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
    // Loaded only here: its module loads better-sqlite3, which `--help` and usage errors do without.
    const { busyDatabaseError } = await import('../electron/services/db/sqlite');
    const busy = busyDatabaseError(error);
    if (busy) {
      err(`Erreur : ${busy.message}`);
      return 1;
    }
    err(`Erreur inattendue : ${oneLine(error)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    err(`Erreur inattendue : ${oneLine(error)}`);
    process.exitCode = 1;
  },
);
