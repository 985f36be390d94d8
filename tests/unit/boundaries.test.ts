import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { importsOf } from '../support/imports';
import { REPO_ROOT } from '../support/paths';

/**
 * The architecture, checked mechanically:
 * - shared/ runs everywhere: only relative imports inside shared/ and zod; no Node, Electron or DOM.
 * - electron/services/ is plain Node: never imports electron (so vitest and the CLI can load it);
 *   only electron/shell/ (the adapters), main.ts and preload.ts do.
 * - renderer/ talks to main only through window.api: no Node, Electron or database.
 */

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mts)$/.test(entry.name)) out.push(full);
  }
  return out;
}

const isNodeBuiltin = (spec: string): boolean =>
  spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!);

const rel = (file: string): string => path.relative(REPO_ROOT, file);

describe('module boundaries', () => {
  it('finds imports of every form (self-check of the scanner)', () => {
    const sample = `import a from 'x';\nimport type { B } from "y";\nexport { c } from './z';\nconst d = await import('w');\nconst e = require('v');\nimport 'side-effect';`;
    expect(importsOf(sample).sort()).toEqual(['./z', 'side-effect', 'v', 'w', 'x', 'y']);
  });

  it('shared/ imports only shared/ and zod', () => {
    const sharedDir = path.join(REPO_ROOT, 'shared');
    const offenders: string[] = [];
    for (const file of sourceFiles(sharedDir)) {
      for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
        if (spec === 'zod') continue;
        const inside = spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(sharedDir + path.sep);
        if (!inside) offenders.push(`${rel(file)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('shared/ uses no DOM or Node globals', () => {
    const globals = /\b(window|document|navigator|localStorage|sessionStorage|process|Buffer|__dirname|require)\s*[.([]/;
    const offenders = sourceFiles(path.join(REPO_ROOT, 'shared'))
      .filter((file) =>
        fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .some((line) => !/^\s*(\/\/|\*|\/\*)/.test(line) && globals.test(line)),
      )
      .map(rel);
    expect(offenders).toEqual([]);
  });

  it('electron/services/ never imports electron', () => {
    const offenders = sourceFiles(path.join(REPO_ROOT, 'electron', 'services')).flatMap((file) =>
      importsOf(fs.readFileSync(file, 'utf8'))
        .filter((spec) => spec === 'electron' || spec.startsWith('electron/'))
        .map((spec) => `${rel(file)} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('only electron/shell/ (and main.ts, preload.ts) imports electron; its pure halves live in electron/services/desktop/', () => {
    const electronDir = path.join(REPO_ROOT, 'electron');
    const allowed = (file: string) =>
      file === path.join(electronDir, 'main.ts') || file === path.join(electronDir, 'preload.ts') || file.startsWith(path.join(electronDir, 'shell') + path.sep);
    const importers = sourceFiles(electronDir).filter((file) =>
      importsOf(fs.readFileSync(file, 'utf8')).some((spec) => spec === 'electron' || spec.startsWith('electron/')),
    );
    expect(importers.filter((file) => !allowed(file)).map(rel)).toEqual([]);
    // Every adapter in electron/shell/ really is one; the folders' names say which side a file is on.
    const shell = sourceFiles(path.join(electronDir, 'shell'));
    expect(shell.length).toBeGreaterThan(0);
    expect(shell.filter((file) => !importers.includes(file)).map(rel)).toEqual([]);
    expect(fs.existsSync(path.join(electronDir, 'services', 'shell'))).toBe(false);
  });

  it('renderer/src/ reaches main only through window.api', () => {
    const forbidden = (spec: string) =>
      isNodeBuiltin(spec) || spec === 'electron' || spec === 'better-sqlite3' || spec.includes('electron/services');
    const offenders = sourceFiles(path.join(REPO_ROOT, 'renderer', 'src')).flatMap((file) =>
      importsOf(fs.readFileSync(file, 'utf8'))
        .filter(forbidden)
        .map((spec) => `${rel(file)} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the preload bundles nothing but the channel list (and the progress channel names)', () => {
    const specs = importsOf(fs.readFileSync(path.join(REPO_ROOT, 'electron', 'preload.ts'), 'utf8'));
    expect(specs.sort()).toEqual(['../shared/ipc/channels', '../shared/ipc/make-api', '../shared/ipc/progress', '../shared/ipc/result', 'electron']);
    // progress.ts brings no zod into the sandboxed preload: its only import is a type.
    const progress = fs.readFileSync(path.join(REPO_ROOT, 'shared', 'ipc', 'progress.ts'), 'utf8');
    expect(importsOf(progress)).toEqual(['./channels']);
    expect(progress).toMatch(/^import type \{ ChannelName \} from '\.\/channels';$/m);
  });
});
