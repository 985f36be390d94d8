/**
 * `export` and `import`: exchange files (« fichiers d'échange », .qrr) from the
 * command line. The work is the application's own: exportExchange and
 * writeExchangeFile, readExchangeSource, previewImport, applyImport. This file
 * only parses, opens the database the right way and prints.
 *
 * - `export` writes the file of some quarters (all by default).
 * - `import --dry-run` previews on a read-only copy (withReadOnlyCore): the
 *   database file stays byte for byte as it was; `--json` prints the preview
 *   for scripts (ImportPreviewJson below, documented in the README).
 * - `import` applies: the « avant-import » backup first (as the application
 *   takes it), then one transaction with the origin `import:<file name>`.
 *   Conflicts keep this database's value unless `--resolve theirs`; new cells
 *   are always taken. Every refused file leaves the database untouched.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { backupDatabase } from '../../electron/services/db/backup';
import { pruneBackups } from '../../electron/services/db/backups';
import { applyImport, type Choice } from '../../electron/services/exchange/apply';
import { exchangeFileName, exportExchange, writeExchangeFile } from '../../electron/services/exchange/export';
import { boundHeap } from '../../electron/services/exchange/heap-guard';
import { previewImport } from '../../electron/services/exchange/preview';
import { DomainError } from '../../shared/ipc/result';
import { readExchangeSource } from '../../electron/services/exchange/sources';
import { exchangeFromWorkbook } from '../../electron/services/exchange/xlsx';
import { SEED_REFERENTIAL } from '../../electron/services/referential';
import { createGeography } from '../../electron/services/geography';
import { parsePeriodCode, periodLabel } from '../../shared/domain/period';
import { fieldName, type ExchangeLine, type ExchangePreview, type ExchangeTable, type LineKind, type LockReason } from '../../shared/exchange/diff';
import { RESULTS_PERIOD, RESULTS_PERIOD_LABEL } from '../../shared/exchange/diff-results';
import type { ExchangeDocument } from '../../shared/exchange/format';
import { PreviewLines } from '../../shared/exchange/preview-lines';
import { formatDateTime, formatInteger } from '../../shared/format/fr';
import { formatAuditValue } from '../../shared/format/journal';
import {
  backupDirOf,
  COMMUNES_FILE,
  err,
  formatSize,
  line,
  osUserName,
  out,
  readTrustedRoots,
  requireDb,
  requireFile,
  UsageError,
  withCore,
  withReadOnlyCore,
} from './shared';

// ---------------------------------------------------------------------------
// export

export interface ExportArgs {
  readonly db?: string;
  readonly period?: readonly string[];
  readonly out?: string;
}

/** `--out` absent: the application's file name in the current folder; an existing folder: that name inside it. */
function exportTarget(outArg: string | undefined, document: ExchangeDocument): string {
  if (outArg === undefined) return path.resolve(process.cwd(), exchangeFileName(document));
  const resolved = path.resolve(process.cwd(), outArg);
  if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) return path.join(resolved, exchangeFileName(document));
  return resolved;
}

export async function exportCommand(args: ExportArgs): Promise<void> {
  const databasePath = requireDb(args.db, 'export', true);
  const periods = args.period ?? [];
  for (const p of periods) {
    if (!parsePeriodCode(p)) throw new UsageError(`« ${p} » n'est pas un trimestre (format attendu : 2026-T4).`);
  }
  if (args.out !== undefined && args.out.trim() === '') throw new UsageError("L'option --out attend un nom de fichier.");

  const { document, file } = await withCore(databasePath, 'cli', async (core) => {
    const ctx = { db: core.db, now: () => new Date(), osUser: osUserName(), origin: 'cli' };
    // Refuses (French) a quarter that was never opened, and a database without département.
    const doc = exportExchange(ctx, { periods });
    return { document: doc, file: writeExchangeFile(doc, exportTarget(args.out, doc)) };
  });

  const bytes = fs.readFileSync(file);
  const scope = document.scope.periods;
  out(`Fichier d'échange enregistré : ${file}`);
  out(line('Département', `${document.departement.nom} (${document.departement.code})`));
  out(line('Trimestres', scope.length === 0 ? 'aucun' : `${formatInteger(scope.length)} (${scope.join(', ')})`));
  out(line('Quartiers', formatInteger(document.qrrs.length)));
  out(line("Valeurs d'indicateurs", formatInteger(document.indicatorValues.length)));
  out(line("Statuts d'actions", formatInteger(document.actionStatuses.length)));
  out(line('Appréciations', formatInteger(document.assessments.length)));
  out(line('Taille', formatSize(bytes.length)));
  out(line('SHA-256', createHash('sha256').update(bytes).digest('hex')));
}

// ---------------------------------------------------------------------------
// import

export interface ImportArgs {
  readonly db?: string;
  readonly file?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly resolve?: string;
  /** PEM/DER files of the roots trusted for report PDFs. */
  readonly trust?: readonly string[];
  readonly acceptUnverified?: boolean;
  /** Import the rest when some cells are refused. */
  readonly skipRefused?: boolean;
}

/** One side of a cell in the `--json` preview. */
export interface CellJson {
  /** As in the exchange file: an indicator's value or target is an object of parts, a status or météo a code, a comment text. */
  readonly value: unknown;
  readonly updatedBy: string;
  /** ISO 8601; for an assessment comment, the comment's own date. */
  readonly updatedAt: string | null;
}

/** One cell (QRR × code × quarter × field) in the `--json` preview. */
export interface PreviewLineJson {
  /** `table|qrrKey|code|periodCode|field`: unique within a preview. */
  readonly key: string;
  readonly table: ExchangeTable;
  /** The QRR's key in exchange files (normalised name | sorted communes). */
  readonly qrrKey: string;
  /** Its name here, or in the file when the import will create it. */
  readonly qrrName: string;
  /** Indicator code (indicator_value), action code (action_status), engagement code (assessment); FIPD: the envelope's source, the subsidy's or payment's uid. */
  readonly code: string;
  /** The quarter (`2026-T4`); FIPD lines: the budget year (`2026`). */
  readonly periodCode: string;
  /** indicator_value: value, target, comment, source; action_status: status, comment, referent; assessment: meteo, trend, comment; FIPD: the record's fields. */
  readonly field: string;
  /** FIPD lines: what the line is about, in French (beneficiary and title…). */
  readonly summary?: string;
  /** A FIPD payment's line: the uid of its subsidy. */
  readonly parent?: string;
  /** What this database holds; null when nothing is here (always null in `new`). */
  readonly mine: CellJson | null;
  readonly theirs: CellJson;
  /** In `locked` only: the quarter is transmitted here, the QRR archived, or the value computed here (05-02 from the FIPD credits). */
  readonly lockReason?: LockReason;
}

/**
 * The `import --dry-run --json` output (stdout, one JSON document). Every list
 * holds the same line shape; `counts.X === X.length`. An empty incoming cell is
 * never a line (an import never erases).
 */
export interface ImportPreviewJson {
  /** The file's name, as the audit trail will record it (origin `import:<file>`). */
  readonly file: string;
  /** Absolute path of the file read. */
  readonly path: string;
  /** SHA-256 of the file's bytes (hex). */
  readonly hash: string;
  /** Version of the exchange format. */
  readonly version: number;
  readonly departement: { readonly code: string; readonly nom: string };
  readonly sender: { readonly name: string; readonly osUser: string };
  readonly exportedAt: string;
  /** Names of the QRRs the import will create (not known here). */
  readonly qrrsToCreate: readonly string[];
  /** Codes of the quarters the import will open here. */
  readonly periodsToOpen: readonly string[];
  readonly counts: { readonly new: number; readonly identical: number; readonly conflicts: number; readonly locked: number; readonly refused: number };
  /** Nothing here: taken by the import. */
  readonly new: readonly PreviewLineJson[];
  /** Same value on both sides: nothing to do. */
  readonly identical: readonly PreviewLineJson[];
  /** Different values on both sides: kept (--resolve mine, default) or taken (--resolve theirs). */
  readonly conflicts: readonly PreviewLineJson[];
  /** Would change something, but the quarter is transmitted here, the QRR archived or the value computed here: never changed by an import. */
  readonly locked: readonly PreviewLineJson[];
  /** The application refuses them (reason in `refusedReason`): the file is refused whole, unless --skip-refused. */
  readonly refused: readonly PreviewLineJson[];
}

const cellJson = (side: ExchangeLine['theirs']): CellJson => ({ value: side.value, updatedBy: side.updatedBy, updatedAt: side.updatedAt });

function lineJson(l: ExchangeLine): PreviewLineJson {
  return {
    key: l.key,
    table: l.table,
    qrrKey: l.qrrKey,
    qrrName: l.qrrName,
    code: l.code,
    periodCode: l.periodCode,
    field: l.field,
    mine: l.mine ? cellJson(l.mine) : null,
    theirs: cellJson(l.theirs),
    ...(l.summary !== undefined ? { summary: l.summary } : {}),
    ...(l.parent !== undefined ? { parent: l.parent } : {}),
    ...(l.lockReason ? { lockReason: l.lockReason } : {}),
    ...(l.refusedReason ? { refusedReason: l.refusedReason } : {}),
  };
}

export function previewJson(preview: ExchangePreview, file: { path: string; fileName: string; fileHash: string; version: number }): ImportPreviewJson {
  const of = (kind: LineKind) => preview.lines.filter((l) => l.kind === kind).map(lineJson);
  const lists = { new: of('new'), identical: of('identical'), conflicts: of('conflict'), locked: of('locked'), refused: of('refused') };
  return {
    file: file.fileName,
    path: file.path,
    hash: file.fileHash,
    version: file.version,
    departement: preview.departement,
    sender: preview.sender,
    exportedAt: preview.exportedAt,
    qrrsToCreate: preview.qrrs.filter((q) => q.localId === null).map((q) => q.name),
    periodsToOpen: preview.periods.filter((p) => p.localState === null).map((p) => p.code),
    counts: {
      new: lists.new.length,
      identical: lists.identical.length,
      conflicts: lists.conflicts.length,
      locked: lists.locked.length,
      refused: lists.refused.length,
    },
    ...lists,
  };
}

/**
 * The `--json` preview (ImportPreviewJson plus `source`), written in pieces: the
 * same text as JSON.stringify(previewJson(…), null, 2), without building the
 * line objects of every list nor one string of it all.
 */
export async function writePreviewJson(
  preview: ExchangePreview,
  file: { path: string; fileName: string; fileHash: string; version: number },
  source: unknown,
  write: (chunk: string) => Promise<void> | void,
): Promise<void> {
  const { new: _n, identical: _i, conflicts: _c, locked: _l, refused: _r, ...head } = previewJson({ ...preview, lines: PreviewLines.of([]) }, file);
  const kinds: readonly [keyof ImportPreviewJson & string, LineKind][] = [
    ['new', 'new'],
    ['identical', 'identical'],
    ['conflicts', 'conflict'],
    ['locked', 'locked'],
    ['refused', 'refused'],
  ];
  const counts = { new: preview.counts.new, identical: preview.counts.identical, conflicts: preview.counts.conflict, locked: preview.counts.locked, refused: preview.counts.refused };
  let buffer = '';
  // Each piece waits for the reader (a pipe): ~435,000 lines never pile up in memory unwritten.
  const push = async (text: string): Promise<void> => {
    buffer += text;
    if (buffer.length >= 1 << 16) {
      const chunk = buffer;
      buffer = '';
      await write(chunk);
    }
  };
  const indented = (value: unknown, depth: number): string => JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);
  const members = Object.entries({ ...head, counts });
  await push('{');
  for (const [i, [key, value]] of members.entries()) await push(`${i > 0 ? ',' : ''}\n  ${JSON.stringify(key)}: ${indented(value, 1)}`);
  for (const [key, kind] of kinds) {
    await push(`,\n  ${JSON.stringify(key)}: [`);
    let first = true;
    const lines = preview.lines;
    for (let i = 0; i < lines.length; i++) {
      if (lines.kindAt(i) !== kind) continue;
      await push(`${first ? '' : ','}\n    ${indented(lineJson(lines.at(i)), 2)}`);
      first = false;
    }
    await push(first ? ']' : '\n  ]');
  }
  await push(`,\n  "source": ${indented(source, 1)}\n}\n`);
  await write(buffer);
}

/** Partial: a table added to the format later is still printed, by its name. */
const TABLE_LABELS: Readonly<Partial<Record<ExchangeTable, string>>> = {
  indicator_value: 'indicateur',
  action_status: 'action',
  assessment: 'engagement',
  fipd_envelope: 'enveloppe FIPD',
  subsidy: 'subvention FIPD',
  subsidy_payment: 'paiement FIPD',
  sans_objet: 'sans objet :',
  indicator_target: 'objectif :',
};

/** `4e trimestre 2026`, or `année budgétaire 2026` for FIPD lines. */
const periodText = (code: string): string =>
  parsePeriodCode(code) ? periodLabel(code) : code === RESULTS_PERIOD ? RESULTS_PERIOD_LABEL.toLowerCase() : `année budgétaire ${code}`;

/** `« En cours » — bob, 28/11/2026 10:00`, values as the Journal shows them. */
function sideText(l: ExchangeLine, side: ExchangeLine['theirs']): string {
  const value = formatAuditValue(side.value, { entity: l.table, field: l.field }, 200);
  return `${value} — ${side.updatedBy || 'auteur inconnu'}${side.updatedAt ? `, ${formatDateTime(side.updatedAt)}` : ''}`;
}

function printPreview(preview: ExchangePreview, json: ImportPreviewJson, databaseArg: string, fileArg: string): void {
  const toCreate = json.qrrsToCreate;
  const toOpen = json.periodsToOpen;
  out(`Aperçu de l'import de « ${json.file} » — rien n'a été modifié.`);
  out(line('Fichier', json.path));
  out(line('SHA-256', json.hash));
  out(line('Département', `${json.departement.nom} (${json.departement.code})`));
  const sender = json.sender.name && json.sender.osUser ? `${json.sender.name} (${json.sender.osUser})` : json.sender.name || json.sender.osUser;
  out(line('Envoyé par', `${sender}, exporté le ${formatDateTime(json.exportedAt)}`));
  out(line('Trimestres', `${formatInteger(preview.periods.length)}${toOpen.length > 0 ? ` (à ouvrir ici : ${toOpen.join(', ')})` : ''}`));
  out(line('Quartiers', `${formatInteger(preview.qrrs.length)}${toCreate.length > 0 ? ` (à créer ici : ${toCreate.join(', ')})` : ''}`));
  out(line('Nouvelles données', formatInteger(json.counts.new)));
  out(line('Données identiques', formatInteger(json.counts.identical)));
  out(line('Conflits', formatInteger(json.counts.conflicts)));
  out(line('Données verrouillées', `${formatInteger(json.counts.locked)}${json.counts.locked > 0 ? ' (trimestre transmis ici, quartier archivé ou valeur calculée ici : jamais modifiées par un import)' : ''}`));
  out(line('Données refusées', `${formatInteger(json.counts.refused)}${json.counts.refused > 0 ? ' (l\'application les refuse : le fichier est refusé en entier, sauf avec --skip-refused)' : ''}`));
  const refused = preview.lines.filter((l) => l.kind === 'refused');
  if (refused.length > 0) {
    out();
    out(`Données refusées (${formatInteger(refused.length)}) :`);
    for (const l of refused) {
      out(`  ${l.qrrName} — ${periodText(l.periodCode)} — ${TABLE_LABELS[l.table] ?? l.table} ${l.summary ?? l.code}, ${fieldName(l.field)}`);
      out(`      fichier : ${sideText(l, l.theirs)}`);
      out(`      refusé :  ${l.refusedReason ?? ''}`);
    }
  }
  const conflicts = preview.lines.filter((l) => l.kind === 'conflict');
  if (conflicts.length > 0) {
    out();
    out(`Conflits (${formatInteger(conflicts.length)}) — « ici » est gardé par défaut (--resolve mine), « fichier » est pris avec --resolve theirs :`);
    for (const l of conflicts) {
      const what = `${TABLE_LABELS[l.table] ?? l.table} ${l.summary ?? l.code}`;
      out(`  ${l.qrrName} — ${periodText(l.periodCode)} — ${what}, ${fieldName(l.field)}`);
      out(`      ici :     ${l.mine ? sideText(l, l.mine) : '—'}`);
      out(`      fichier : ${sideText(l, l.theirs)}`);
    }
  }
  out();
  const quoted = (arg: string): string => (/[\s'"]/.test(arg) ? `"${arg.replace(/(["\\$`])/g, '\\$1')}"` : arg);
  out(
    `Pour importer : npm run cli -- import --db ${quoted(databaseArg)} ${quoted(fileArg)}${conflicts.length > 0 ? ' [--resolve mine|theirs]' : ''}${refused.length > 0 ? ' --skip-refused' : ''}`,
  );
}

/** Exit code: 1 when a dry run finds cells the application would refuse (the import would be refused), else 0. */
export async function importCommand(args: ImportArgs): Promise<number> {
  const databasePath = requireDb(args.db, 'import', true);
  if (!args.file) throw new UsageError("Indiquez le fichier d'échange à importer (par exemple : import --db base.sqlite qrr-93-tout.qrr).");
  if (args.json && !args.dryRun) throw new UsageError("L'option --json ne sert qu'avec --dry-run (aperçu sans rien modifier).");
  if (args.resolve !== undefined && args.dryRun) {
    throw new UsageError("L'option --resolve ne sert qu'à l'import réel : retirez --dry-run, ou --resolve pour un aperçu.");
  }
  if (args.resolve !== undefined && args.resolve !== 'mine' && args.resolve !== 'theirs') {
    throw new UsageError(`--resolve attend mine (garder les valeurs de cette base) ou theirs (prendre celles du fichier), pas « ${args.resolve} ».`);
  }
  const resolve: Choice = args.resolve === 'theirs' ? 'theirs' : 'mine';
  const filePath = requireFile(args.file, "Le fichier d'échange");
  // Kind, format, version, hash, size, a report's signature: refused before the database is even opened.
  const read = await readExchangeSource(filePath, {
    trustedRoots: readTrustedRoots(args.trust ?? []),
    // Workbooks are read against the application's référentiel (the database's is checked by the preview).
    readWorkbook: (bytes) => exchangeFromWorkbook(bytes, SEED_REFERENTIAL),
  });
  if (read.info.warning) {
    if (!args.dryRun && !args.acceptUnverified) {
      throw new DomainError('CONFLICT', `${read.info.warning} Pour l'importer quand même : --accept-unverified.`);
    }
    err(`Attention : ${read.info.warning}`);
  }

  if (args.dryRun) {
    const preview = await withReadOnlyCore(
      databasePath,
      async (core) => previewImport({ db: core.db, now: () => new Date(), osUser: osUserName(), origin: 'cli' }, read.document, createGeography(COMMUNES_FILE)),
      // The preview runs the import's writes on the private copy and rolls them back.
      { referential: true, scratch: true },
    );
    const file = { path: filePath, fileName: read.fileName, fileHash: read.fileHash, version: read.document.version };
    if (args.json) {
      // Streamed: a national file previews to ~500,000 lines, never held twice nor as one string.
      await writePreviewJson(preview, file, read.info, (chunk) => {
        // Each line is built and written once, then garbage: collected as it piles up (heap-guard.ts).
        boundHeap();
        return process.stdout.write(chunk) ? undefined : new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
      });
    } else {
      printPreview(preview, previewJson(preview, file), args.db!, args.file);
    }
    return preview.counts.refused > 0 && args.skipRefused !== true ? 1 : 0;
  }

  const backupDir = backupDirOf(databasePath);
  let backupPath: string | null = null;
  const summary = await withCore(databasePath, 'cli', async (core) => {
    const now = () => new Date();
    return applyImport(
      { db: core.db, now, osUser: osUserName(), origin: 'cli' },
      read.document,
      { defaultChoice: resolve, skipRefused: args.skipRefused === true },
      {
        // As the application takes it (app-core.ts): the online backup API, then the folder pruned, this one kept.
        backup: async () => {
          const file = await backupDatabase(core.db, backupDir, 'avant-import', now());
          pruneBackups(backupDir, now(), undefined, [file]);
          backupPath = file;
          return path.basename(file);
        },
        fileName: read.fileName,
        hash: read.fileHash,
        geography: createGeography(COMMUNES_FILE),
        provenance: read.info,
      },
    );
  });
  out(summary.message);
  if (backupPath) out(line('Sauvegarde avant import', backupPath));
  return 0;
}
