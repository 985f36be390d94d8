import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openCore, tempDir } from '../support/db';
import { CLI_ENTRY, REPO_ROOT } from '../support/paths';

/*
 * Issue 15, « Why »: « Two writers » and « English on the terminal ». The CLI
 * runs as users run it (tsx cli/index.ts), on real files; a second writer is a
 * real second SQLite connection holding the write lock.
 */

type Run = { status: number | null; stdout: string; stderr: string };
const cli = (...args: string[]): Run => {
  const r = spawnSync(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
/** Runs the CLI with its standard output closed before it writes anything: every write fails with EPIPE. */
const cliWithClosedOutput = (...args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('close', (status) => resolve({ status, stdout: '', stderr }));
  });
const ENGLISH_TRACE = /\n\s+at |SqliteError|EPIPE|Error: write|database is locked/;

describe('issue 15: the terminal speaks French, one line per error', () => {
  let dir: string;
  let db: string;
  let file: string;

  beforeAll(() => {
    dir = tempDir('qrr-terminal-');
    db = path.join(dir, 'essai.sqlite');
    expect(cli('demo', '--db', db).status).toBe(0);
    file = path.join(dir, 'echange.qrr');
    expect(cli('export', '--db', db, '--out', file).status).toBe(0);
  }, 240_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('English on the terminal: `| head -1` after a committed import (output closed) ends quietly, no EPIPE stack', async () => {
    const backups = (): string[] => fs.readdirSync(path.join(dir, 'sauvegardes')).filter((f) => f.includes('avant-import'));
    const before = fs.existsSync(path.join(dir, 'sauvegardes')) ? backups().length : 0;
    const run = await cliWithClosedOutput('import', '--db', db, file, '--resolve', 'theirs');
    expect(run.stderr).not.toMatch(ENGLISH_TRACE);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // The import itself went through (its « avant-import » backup was taken) even though nobody read its summary.
    expect(backups().length).toBe(before + 1);
    const preview = await cliWithClosedOutput('import', '--db', db, file, '--dry-run', '--json');
    expect(preview.stderr).toBe('');
  }, 120_000);

  it('English on the terminal: pdf-lib « Trying to parse invalid object » warnings never reach the terminal', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const text = Buffer.from(await doc.save({ useObjectStreams: false })).toString('latin1');
    const damaged = path.join(dir, 'abime.pdf');
    fs.writeFileSync(damaged, Buffer.from(text.replace(/(\d+ 0 obj\s*)<</, '$1<< /X )) ]] <<'), 'latin1'));
    // This file does make pdf-lib warn…
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await PDFDocument.load(fs.readFileSync(damaged)).catch(() => undefined);
    expect(warn.mock.calls.flat().join(' ')).toMatch(/Trying to parse invalid object/);
    warn.mockRestore();
    // …and the CLI says only its own French lines.
    for (const args of [['verify', damaged], ['import', '--db', db, damaged, '--dry-run']]) {
      const run = cli(...args);
      expect(run.stdout + run.stderr).not.toMatch(/Trying to parse|Invalid object ref/);
      expect(run.status).toBe(1);
    }
  }, 120_000);

  it('Two writers: a second CLI writer while another holds the file gets one French line, no stack, nothing written', () => {
    const other = new Database(db);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    try {
      const before = other.prepare('SELECT count(*) FROM audit_log').pluck().get();
      const run = cli('import', '--db', db, file, '--resolve', 'theirs');
      expect(run.status).toBe(1);
      expect(run.stderr).not.toMatch(ENGLISH_TRACE);
      expect(run.stderr.trim().split('\n')).toEqual([
        "Erreur : La base de données est utilisée par une autre fenêtre de l'application ou une autre commande (import, rapport…) : rien n'a été enregistré. Réessayez quand elle aura fini.",
      ]);
      expect(other.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(before);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  }, 120_000);

  it('Two writers: through IPC, the envelope carries DATABASE_BUSY and the same French message', async () => {
    const core = await openCore();
    const other = new Database(core.databasePath);
    other.exec('BEGIN IMMEDIATE');
    try {
      const result = await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'B.' });
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'DATABASE_BUSY',
          message:
            "La base de données est utilisée par une autre fenêtre de l'application ou une autre commande (import, rapport…) : rien n'a été enregistré. Réessayez quand elle aura fini.",
        },
      });
    } finally {
      other.exec('ROLLBACK');
      other.close();
      core.close();
    }
  }, 60_000);
});
