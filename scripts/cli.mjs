// `npm run cli -- …`: runs the bundled command line (dist/cli/index.mjs),
// bundling it first when it is missing or older than its sources, so the
// command always runs the code in the working tree.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cliEntry, root, SOURCE_DIRS, stampFile } from './build-cli.mjs';

function newestSource() {
  let newest = Math.max(...['package.json', 'scripts/build-cli.mjs'].map((file) => fs.statSync(path.join(root, file)).mtimeMs));
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) walk(path.join(root, dir));
  return newest;
}

let stale = true;
try {
  stale = fs.statSync(stampFile).mtimeMs < newestSource();
} catch {
  // not built yet
}
if (stale) {
  const { buildCli } = await import('./build-cli.mjs');
  await buildCli();
}
await import(pathToFileURL(cliEntry).href);
