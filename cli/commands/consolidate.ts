/**
 * `consolidate`: the national summary of several départements' exchange files
 * (SG-CIPDR / ANCT), as a PDF (--out) and/or the model as JSON (--json).
 * No database: the files are only read; the work is the application's
 * (electron/services/exchange-consolidation). A refused file stops everything
 * (exit 1) with its name and the reason in French.
 */
import fs from 'node:fs';
import path from 'node:path';
import { consolidateFiles, readExchangeFiles, writeNationalReport } from '../../electron/services/exchange-consolidation';
import { parsePeriodCode } from '../../shared/domain/period';
import { departementText } from '../../shared/exchange/consolidate';
import { formatDateTime, formatInteger, plural } from '../../shared/format/fr';
import { DomainError } from '../../shared/ipc/result';
import { formatRatioCount, formatRatioPercent } from '../../shared/report/report-model';
import { APP_VERSION, err, formatSize, line, out, UsageError } from './shared';

export interface ConsolidateArgs {
  readonly files: readonly string[];
  /** The CLI's --period is repeatable (for export); one quarter here. */
  readonly period?: string | readonly string[];
  readonly out?: string;
  readonly json?: boolean;
}

function prepare(args: ConsolidateArgs): { files: string[]; periodCode: string | undefined; target: string | null } {
  if (args.files.length === 0) throw new UsageError("Indiquez au moins un fichier d'échange à consolider (par exemple qrr-93-2026-T4.qrr).");
  const periods = typeof args.period === 'string' ? [args.period] : (args.period ?? []);
  if (periods.length > 1) throw new UsageError("L'option --period ne se donne qu'une fois pour la commande consolidate.");
  const periodCode = periods[0];
  if (periodCode !== undefined && !parsePeriodCode(periodCode)) throw new UsageError(`« ${periodCode} » n'est pas un trimestre (format attendu : 2026-T4).`);
  if (!args.out && !args.json) throw new UsageError("Indiquez --out FICHIER.pdf (la synthèse en PDF) ou --json (le modèle au format JSON), ou les deux.");
  let target: string | null = null;
  if (args.out) {
    if (!/\.pdf$/i.test(args.out)) throw new UsageError(`Le fichier de la synthèse doit se terminer par .pdf (reçu « ${args.out} »).`);
    target = path.resolve(process.cwd(), args.out);
    const folder = path.dirname(target);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
      throw new DomainError('NOT_FOUND', `Le dossier « ${folder} » n'existe pas : créez-le avant d'y enregistrer la synthèse.`);
    }
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
      throw new DomainError('VALIDATION', `« ${target} » est un dossier : indiquez le nom du fichier PDF à créer.`);
    }
  }
  return { files: args.files.map((f) => path.resolve(process.cwd(), f)), periodCode, target };
}

export async function consolidate(args: ConsolidateArgs): Promise<void> {
  const { files, periodCode, target } = prepare(args);
  const model = consolidateFiles(readExchangeFiles(files), periodCode ? { periodCode } : {});
  const written = target ? writeNationalReport(model, target, { generatedAt: new Date().toISOString(), appVersion: APP_VERSION }) : null;

  if (args.json) {
    // stdout carries the JSON alone (to pipe into jq); the rest goes to stderr.
    out(JSON.stringify(model, null, 2));
    if (written) err(`Synthèse nationale enregistrée : ${written.path} (${plural(written.pages, 'page')})`);
    return;
  }
  const t = model.totals;
  out(`Synthèse nationale du ${model.period.label}`);
  out(`  ${model.period.explanation}`);
  out(line('Départements', `${formatInteger(t.departements)}${t.departementsCounted < t.departements ? ` (dont ${formatInteger(t.departementsCounted)} comptés)` : ''}`));
  out(line('Quartiers comptés', formatInteger(t.qrrs)));
  out(line('Complétude', `${formatRatioPercent(t.completeness)} (${formatRatioCount(t.completeness)})`));
  out(line('Mise en œuvre', `${formatRatioPercent(t.implementation)} (${formatRatioCount(t.implementation)})`));
  out();
  for (const d of model.departements) {
    out(`  ${departementText(d).padEnd(34)} exporté le ${formatDateTime(d.exportedAt)}  ${plural(d.qrrCount, 'quartier').padEnd(12)} trimestre ${d.periodStateLabel}`);
  }
  if (model.warnings.length > 0) {
    out();
    out(`Points d'attention (${formatInteger(model.warnings.length)}) :`);
    for (const w of model.warnings) out(`  - ${w.message}`);
  }
  if (written) {
    out();
    out(`Synthèse enregistrée : ${written.path}`);
    out(line('Pages', formatInteger(written.pages)));
    out(line('Taille', formatSize(written.sizeBytes)));
  }
}
