// npm run test:fuzz — the property tests with a random seed and 10× their runs
// (tests/support/property-setup.ts). For a nightly job: CI's `npm test` keeps a
// fixed seed. A failure prints its seed: `FC_SEED=<seed> npx vitest run <file>`
// replays it; add the counterexample to the property's `examples`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const files = [];
const walk = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith('.test.ts') && /from 'fast-check'/.test(fs.readFileSync(full, 'utf8'))) files.push(path.relative(root, full));
  }
};
walk(path.join(root, 'tests'));
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, QRR_FUZZ: '1' },
});
process.exit(result.status ?? 1);
