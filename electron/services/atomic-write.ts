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

/**
 * Like {@link writeFileAtomic}, for content produced in pieces (a national
 * exchange file is tens of megabytes: never one string in memory). `produce`
 * calls `put` for each piece; whatever it throws removes the temporary file
 * and leaves any previous `file` whole.
 */
export function writeFileAtomicStreamed(file: string, produce: (put: (bytes: Uint8Array) => void) => void): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  let open = true;
  try {
    produce((bytes) => {
      for (let written = 0; written < bytes.length; ) written += fs.writeSync(fd, bytes, written);
    });
    fs.fsyncSync(fd);
    open = false;
    fs.closeSync(fd);
    fs.renameSync(temporary, file);
  } catch (error) {
    // Closed once only: a descriptor number closed twice may by then name another file.
    if (open) fs.closeSync(fd);
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
