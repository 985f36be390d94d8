/**
 * National consolidation, the plain Node side: read several départements'
 * exchange files, check each strictly (parseExchangeText: size, JSON, format,
 * version, types, hash), consolidate them (shared/exchange/consolidate.ts)
 * against the référentiel shipped with the application, and produce the
 * national summary PDF.
 *
 * Read-only: no database is opened or written; the only file written is the
 * PDF asked for (through a temporary file, so never half a PDF).
 * Used by the IPC handlers, the CLI (`consolidate`) and the bench.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  CONSOLIDATION_MAX_FILES,
  CONSOLIDATION_MAX_TOTAL_BYTES,
  consolidateExchanges,
  type ConsolidationFile,
  type NationalModel,
} from '../../../shared/exchange/consolidate';
import { EXCHANGE_MAX_BYTES, EXCHANGE_MESSAGES, parseExchangeText } from '../../../shared/exchange/format';
import { nodeSha256 } from '../exchange/node-hash';
import { formatInteger, plural } from '../../../shared/format/fr';
import { DomainError, type FieldIssue } from '../../../shared/ipc/result';
import { SEED_REFERENTIAL } from '../referential';
import { renderNationalPdf } from '../report/national-pdf';
import type { ReportFonts } from '../report/pdf-kit';
import { writeFileAtomic } from '../atomic-write';

/** An exchange file as received: its name (for the messages) and its text. */
export interface ExchangeFileText {
  readonly fileName: string;
  readonly text: string;
}

interface Refusal {
  readonly fileName: string;
  readonly message: string;
}

/** One refusal per file, all in one error: with 100 files, the user fixes them all at once. */
function refuse(refusals: readonly Refusal[], code: 'VALIDATION' | 'NOT_FOUND' = 'VALIDATION'): never {
  const issues: FieldIssue[] = refusals.map((r) => ({ path: r.fileName, message: r.message }));
  const text = (r: Refusal): string => `« ${r.fileName} » : ${r.message}`;
  throw new DomainError(
    code,
    refusals.length === 1
      ? `Fichier refusé, ${text(refusals[0]!)}`
      : `${plural(refusals.length, 'fichier refusé', 'fichiers refusés')} : ${refusals.map(text).join(' ; ')}`,
    issues,
  );
}

const sizeText = (bytes: number): string => `${formatInteger(Math.round(bytes / (1024 * 1024)))} Mo`;

function checkCount(count: number): void {
  if (count === 0) throw new DomainError('VALIDATION', "Aucun fichier d'échange à consolider : choisissez au moins un fichier.");
  if (count > CONSOLIDATION_MAX_FILES) {
    throw new DomainError('VALIDATION', `Pas plus de ${formatInteger(CONSOLIDATION_MAX_FILES)} fichiers à la fois (${formatInteger(count)} choisis).`);
  }
}

/**
 * Reads the files from disk (CLI, bench). The size is checked before reading,
 * so a huge file chosen by mistake is never loaded.
 */
export function readExchangeFiles(paths: readonly string[], options: { readonly maxBytes?: number } = {}): ExchangeFileText[] {
  checkCount(paths.length);
  const maxBytes = options.maxBytes ?? EXCHANGE_MAX_BYTES;
  const refusals: Refusal[] = [];
  let missing = false;
  let total = 0;
  const files: ExchangeFileText[] = [];
  for (const file of paths) {
    const fileName = path.basename(file);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      missing = true;
      refusals.push({ fileName: file, message: "ce fichier n'existe pas." });
      continue;
    }
    if (!stat.isFile()) refusals.push({ fileName: file, message: "c'est un dossier, pas un fichier d'échange." });
    else if (stat.size > maxBytes) refusals.push({ fileName, message: EXCHANGE_MESSAGES.tooBig(maxBytes) });
    else {
      total += stat.size;
      files.push({ fileName, text: fs.readFileSync(file, 'utf8') });
    }
  }
  if (refusals.length > 0) refuse(refusals, missing && refusals.length === 1 ? 'NOT_FOUND' : 'VALIDATION');
  if (total > CONSOLIDATION_MAX_TOTAL_BYTES) {
    throw new DomainError('VALIDATION', `Les fichiers choisis dépassent ${sizeText(CONSOLIDATION_MAX_TOTAL_BYTES)} au total : consolidez-les en plusieurs fois.`);
  }
  return files;
}

/** Every file parsed strictly; any refusal names its file (all refusals are listed together). */
export function parseConsolidationFiles(files: readonly ExchangeFileText[], options: { readonly maxBytes?: number } = {}): ConsolidationFile[] {
  checkCount(files.length);
  const total = files.reduce((n, f) => n + f.text.length, 0);
  if (total > CONSOLIDATION_MAX_TOTAL_BYTES) {
    throw new DomainError('VALIDATION', `Les fichiers choisis dépassent ${sizeText(CONSOLIDATION_MAX_TOTAL_BYTES)} au total : consolidez-les en plusieurs fois.`);
  }
  const refusals: Refusal[] = [];
  const parsed: ConsolidationFile[] = [];
  for (const { fileName, text } of files) {
    const result = parseExchangeText(text, { sha256: nodeSha256, ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) });
    if (!result.ok) refusals.push({ fileName, message: result.message });
    else parsed.push({ fileName, document: result.document, ...(result.migratedFrom !== undefined ? { migratedFrom: result.migratedFrom } : {}) });
  }
  if (refusals.length > 0) refuse(refusals);
  return parsed;
}

export interface ConsolidateOptions {
  /** `2026-T4`; default: see consolidateExchanges. */
  readonly periodCode?: string;
}

/** The national model of the files, with the référentiel shipped with the application. */
export function consolidateFiles(files: readonly ExchangeFileText[], options: ConsolidateOptions = {}): NationalModel {
  return consolidateExchanges({
    referential: SEED_REFERENTIAL,
    files: parseConsolidationFiles(files),
    ...(options.periodCode !== undefined ? { periodCode: options.periodCode } : {}),
  });
}

/** `synthese-nationale-qrr-2026-T4-2026-11-26.pdf`: the day it was established (UTC), like the other exports. */
export const nationalReportFileName = (model: NationalModel, generatedAt: string): string =>
  `synthese-nationale-qrr-${model.period.code}-${generatedAt.slice(0, 10)}.pdf`;

export interface WrittenNationalReport {
  readonly path: string;
  readonly fileName: string;
  readonly pages: number;
  readonly sizeBytes: number;
}

/** Renders the summary and writes it at `target` (replaced if it exists), through a temporary file in the same folder. */
export function writeNationalReport(
  model: NationalModel,
  target: string,
  options: { readonly generatedAt: string; readonly appVersion?: string; readonly fonts?: ReportFonts },
): WrittenNationalReport {
  const { bytes, pages } = renderNationalPdf(model, options);
  writeFileAtomic(target, bytes);
  return { path: target, fileName: path.basename(target), pages, sizeBytes: bytes.length };
}
