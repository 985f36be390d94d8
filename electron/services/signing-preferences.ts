/**
 * Per-user signing preferences: the PKCS#11 module of this workstation and
 * the last certificate used to sign (a .p12 file's path, or a token's
 * certificate: module, slot, token label and serial, certificate id). Never a
 * password or a PIN: the stored shape has no field for one.
 *
 * A small JSON file, not the database: both describe this workstation (a path
 * to a DLL, to a file on this disk), and the database travels to other
 * workstations (« Exporter tout », backups). Entries are keyed by the
 * operating-system user, so people sharing a database folder keep their own.
 * Written to a temporary file then renamed: never half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SigningChoice, SigningPreferences } from '../../shared/domain/signing';
import { SigningChoiceSchema } from '../../shared/ipc/responses';
import { DomainError } from '../../shared/ipc/result';
import { recordAudit } from './audit';
import type { ServiceContext } from './context';
import { writeTransaction } from './db/query';
import { writeFileAtomic } from './atomic-write';

export const PREFERENCES_FILE = 'preferences-signature.json';

/** The same shape the IPC answers with (shared/ipc/responses.ts). */
const Choice = SigningChoiceSchema;
const UserEntry = z.object({ pkcs11ModulePath: z.string().nullable().default(null), lastChoice: Choice.nullable().default(null) });
const FileShape = z.object({ version: z.literal(1), users: z.record(z.string(), UserEntry) });
type FileContent = z.infer<typeof FileShape>;

const EMPTY: SigningPreferences = { pkcs11ModulePath: null, lastChoice: null };

export interface SigningPreferencesStore {
  get(): SigningPreferences;
  setModulePath(ctx: ServiceContext, modulePath: string | null): SigningPreferences;
  remember(choice: SigningChoice): void;
}

/** Library file names a PKCS#11 module may have. */
const LIBRARY = /\.(dll|so(\.\d+)*|dylib)$/i;

export function createSigningPreferences(file: string, osUser: string): SigningPreferencesStore {
  const read = (): FileContent => {
    try {
      const parsed = FileShape.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      // An unreadable file only loses a convenience: start again rather than block signing.
      return parsed.success ? parsed.data : { version: 1, users: {} };
    } catch {
      return { version: 1, users: {} };
    }
  };
  const write = (update: (entry: SigningPreferences) => SigningPreferences): SigningPreferences => {
    const content = read();
    const next = update(content.users[osUser] ?? EMPTY);
    content.users[osUser] = { pkcs11ModulePath: next.pkcs11ModulePath, lastChoice: next.lastChoice };
    writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`);
    return next;
  };
  return {
    get: () => read().users[osUser] ?? EMPTY,
    setModulePath: (ctx, modulePath) => {
      if (modulePath !== null) {
        if (!path.isAbsolute(modulePath)) throw new DomainError('VALIDATION', 'Indiquez le chemin complet du module PKCS#11 (par exemple C:\\Windows\\System32\\opensc-pkcs11.dll).');
        if (!LIBRARY.test(modulePath)) throw new DomainError('VALIDATION', `« ${path.basename(modulePath)} » n'est pas une bibliothèque (.dll, .so ou .dylib attendu).`);
        if (!fs.existsSync(modulePath) || !fs.statSync(modulePath).isFile()) throw new DomainError('NOT_FOUND', `Le fichier « ${modulePath} » n'existe pas sur ce poste.`);
      }
      const before = read().users[osUser]?.pkcs11ModulePath ?? null;
      const next = write((entry) => ({ ...entry, pkcs11ModulePath: modulePath }));
      // Which native library the application loads is worth a line in the journal.
      if (before !== modulePath) {
        writeTransaction(ctx, () =>
          recordAudit(ctx, [{ entity: 'preferences', entityId: ctx.osUser, action: 'update', field: 'pkcs11ModulePath', oldValue: before, newValue: modulePath }]),
        );
      }
      return next;
    },
    remember: (choice) => {
      write((entry) => ({ ...entry, lastChoice: choice }));
    },
  };
}

/** Usual PKCS#11 modules (carte agent middleware, OpenSC, SoftHSM), those present on this machine only. */
export function proposedModules(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  const windowsDirs = [env.SystemRoot ? path.join(env.SystemRoot, 'System32') : 'C:\\Windows\\System32', env.ProgramFiles ?? 'C:\\Program Files'];
  const candidates =
    platform === 'win32'
      ? [
          // Carte agent (IDPrime / SafeNet), Idemia / Oberthur, OpenSC
          path.win32.join(windowsDirs[0]!, 'eTPKCS11.dll'),
          path.win32.join(windowsDirs[0]!, 'IDPrimePKCS11.dll'),
          path.win32.join(windowsDirs[0]!, 'IDPrimePKCS1164.dll'),
          path.win32.join(windowsDirs[1]!, 'Oberthur Technologies', 'AWP', 'DLLs', 'OcsCryptoki.dll'),
          path.win32.join(windowsDirs[1]!, 'IDEMIA', 'AWP', 'DLLs', 'OcsCryptoki.dll'),
          path.win32.join(windowsDirs[0]!, 'opensc-pkcs11.dll'),
          path.win32.join(windowsDirs[1]!, 'OpenSC Project', 'OpenSC', 'pkcs11', 'opensc-pkcs11.dll'),
        ]
      : platform === 'darwin'
        ? ['/Library/OpenSC/lib/opensc-pkcs11.so', '/usr/local/lib/opensc-pkcs11.so', '/usr/local/lib/softhsm/libsofthsm2.so']
        : [
            '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
            '/usr/lib/opensc-pkcs11.so',
            '/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so',
            '/usr/lib/libIDPrimePKCS11.so',
            '/usr/lib/libeTPkcs11.so',
            '/usr/lib/softhsm/libsofthsm2.so',
            '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
          ];
  const seen = new Set<string>();
  return candidates.filter((candidate) => {
    let real: string;
    try {
      if (!fs.statSync(candidate).isFile()) return false;
      real = fs.realpathSync(candidate);
    } catch {
      return false;
    }
    // The same library under two names (symbolic links) is offered once.
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}
