import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `data` at `file` through a temporary file in the same folder,
 * renamed over it: a crash, a full disk or a failed write never leaves half a
 * file (the previous one, if any, stays whole), and the temporary file is
 * removed on failure. Creates the folder. Throws what the file system threw.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Same folder: a rename within one file system replaces the target in one step.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
