import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const COMMUNES_FILE = path.join(REPO_ROOT, 'node_modules/@etalab/decoupage-administratif/data/communes.json');
/** The bundled command line (scripts/build-cli.mjs), built before the tests by tests/support/global-setup.ts. */
export const CLI_ENTRY = path.join(REPO_ROOT, 'dist', 'cli', 'index.mjs');
