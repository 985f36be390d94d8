import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const COMMUNES_FILE = path.join(REPO_ROOT, 'node_modules/@etalab/decoupage-administratif/data/communes.json');
