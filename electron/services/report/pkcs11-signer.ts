/**
 * Smart cards (carte agent) and USB tokens through their PKCS#11 module, with
 * pkcs11js: list the signing certificates of the inserted tokens, and sign on
 * the token (the key never leaves it) after a PIN typed for this signature
 * only. The PIN is never stored, logged or put in a message.
 *
 * One module at a time per process: a PKCS#11 library is initialised once per
 * process (a second C_Initialize fails), so every use loads, initialises,
 * works, finalises and unloads it, queued behind the previous one. An opened
 * identity holds the module until `close()`; reading the token again each
 * time also notices a card taken out in between.
 *
 * Plain Node, never imports electron. The native binding can be replaced (the
 * Electron build, scripts/electron-native.mjs) with {@link setPkcs11Binding}.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import * as asn1js from 'asn1js';
import type { TokenCertificateDto } from '../../../shared/domain/signing';
import { formatDate } from '../../../shared/format/fr';
import { displayName, nameParts } from './names';
import { SignatureError } from './signature-error';
import {
  allowsSigning,
  describeSigner,
  isAuthority,
  keyAlgorithmOf,
  parseCertificate,
  type ParsedCertificate,
  type SigningIdentity,
} from './signing-identity';

type Pkcs11Js = typeof import('pkcs11js');
type Handle = Buffer;

// Loaded on first use only: the Node build of the binding must never be loaded by Electron at start-up.
const requireHere = createRequire(typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js'));
let binding: Pkcs11Js | null = null;
let bindingDir: string | null = null;

/**
 * Where to load pkcs11js from: a copy of the package built for Electron's ABI
 * (scripts/electron-native.mjs). Default: node_modules/pkcs11js (Node's build).
 */
export function setPkcs11Binding(packageDir: string | null): void {
  bindingDir = packageDir;
  binding = null;
}

function pkcs11js(): Pkcs11Js {
  binding ??= (bindingDir ? requireHere(bindingDir) : requireHere('pkcs11js')) as Pkcs11Js;
  return binding;
}

/** A certificate on a token, as the user picks it (slot ID, token, CKA_LABEL, CKA_ID in hex, names, validity). */
export type TokenCertificate = TokenCertificateDto;

/** Which certificate to sign with; fields left out match anything. */
export interface TokenSelection {
  readonly modulePath: string;
  readonly slot?: number;
  readonly tokenLabel?: string;
  readonly tokenSerial?: string;
  readonly certificateId?: string;
  readonly certificateLabel?: string;
}

export interface TokenIdentity extends SigningIdentity {
  readonly token: TokenCertificate;
  /** Logs out and unloads the module. Idempotent. */
  close(): void;
}

// ---------------------------------------------------------------------------
// Errors

const CKR_NAME = /CKR_[A-Z_]+/;

/**
 * A PKCS#11 failure as a French refusal (never mentions the PIN's value).
 * Anything else (a bug) goes through unchanged, to be logged as such.
 */
function tokenError(error: unknown): unknown {
  if (error instanceof SignatureError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const code = CKR_NAME.exec(text)?.[0] ?? '';
  const fromModule = error instanceof Error && (error.name === 'Pkcs11Error' || error.name === 'NativeError');
  if (!code && !fromModule) return error;
  switch (code) {
    case 'CKR_PIN_INCORRECT':
    case 'CKR_PIN_INVALID':
    case 'CKR_PIN_LEN_RANGE':
      return new SignatureError('BAD_PIN', 'Code PIN incorrect : rien n’a été signé. Attention, la carte se bloque après plusieurs codes faux.');
    case 'CKR_PIN_LOCKED':
    case 'CKR_PIN_EXPIRED':
      return new SignatureError(
        'PIN_LOCKED',
        'La carte est bloquée (trop de codes PIN faux) : rien n’a été signé. Faites-la débloquer par votre correspondant (code de déblocage / PUK).',
      );
    case 'CKR_TOKEN_NOT_PRESENT':
    case 'CKR_DEVICE_REMOVED':
    case 'CKR_SLOT_ID_INVALID':
    case 'CKR_SESSION_HANDLE_INVALID':
    case 'CKR_SESSION_CLOSED':
    case 'CKR_TOKEN_NOT_RECOGNIZED':
    case 'CKR_CRYPTOKI_NOT_INITIALIZED':
    case 'CKR_OBJECT_HANDLE_INVALID':
    case 'CKR_KEY_HANDLE_INVALID':
      return new SignatureError('TOKEN_REMOVED', 'La carte ou la clé USB a été retirée (ou n’est plus reconnue) : rien n’a été signé. Insérez-la et recommencez.');
    default:
      return new SignatureError(
        'TOKEN_FAILURE',
        `La carte ou la clé USB a refusé l’opération${code ? ` (${code})` : ''} : rien n’a été signé.`,
      );
  }
}

const notAModule = (modulePath: string, why: string): SignatureError =>
  new SignatureError(
    'NOT_A_PKCS11_MODULE',
    `« ${modulePath} » n’est pas un module PKCS#11 utilisable (${why}). Indiquez dans les paramètres la bibliothèque fournie avec la carte (par exemple opensc-pkcs11.dll).`,
  );

// ---------------------------------------------------------------------------
// The module, one user at a time

let queue: Promise<unknown> = Promise.resolve();

/** Runs `work` with the module loaded and initialised; unloads it afterwards unless `keep` returns true. */
async function withModule<T>(modulePath: string, work: (module: InstanceType<Pkcs11Js['PKCS11']>, lib: Pkcs11Js) => Promise<T> | T): Promise<T> {
  let release!: () => void;
  const turn = new Promise<void>((resolve) => (release = resolve));
  const previous = queue;
  queue = previous.then(() => turn);
  await previous;
  let module: InstanceType<Pkcs11Js['PKCS11']> | null = null;
  let initialised = false;
  try {
    if (!path.isAbsolute(modulePath)) throw notAModule(modulePath, 'chemin non absolu');
    if (!fs.existsSync(modulePath) || !fs.statSync(modulePath).isFile()) throw notAModule(modulePath, 'fichier introuvable');
    const lib = pkcs11js();
    module = new lib.PKCS11();
    try {
      module.load(modulePath);
    } catch (error) {
      module = null;
      throw notAModule(modulePath, error instanceof Error && /C_GetFunctionList/.test(error.message) ? 'pas de fonction C_GetFunctionList' : 'bibliothèque illisible');
    }
    try {
      module.C_Initialize();
      initialised = true;
    } catch (error) {
      throw tokenError(error);
    }
    return await work(module, lib);
  } catch (error) {
    throw tokenError(error);
  } finally {
    if (module) {
      try {
        if (initialised) module.C_Finalize();
      } catch {
        // a removed token may already have torn the module down
      }
      try {
        module.close();
      } catch {
        // idem
      }
    }
    release();
  }
}

const slotNumber = (handle: Handle): number => (handle.length >= 8 ? Number(handle.readBigUInt64LE(0)) : handle.readUInt32LE(0));
const trimmed = (text: string): string => text.replace(/[\s\0]+$/, '');

interface RawCertificate {
  readonly object: Handle;
  readonly parsed: ParsedCertificate;
  readonly id: string;
  readonly label: string;
}

type Module = InstanceType<Pkcs11Js['PKCS11']>;

function findObjects(module: Module, session: Handle, template: { type: number; value: number | boolean | Buffer | string }[]): Handle[] {
  module.C_FindObjectsInit(session, template);
  try {
    const found: Handle[] = [];
    for (;;) {
      const batch = module.C_FindObjects(session, 32);
      if (batch.length === 0) return found;
      found.push(...batch);
    }
  } finally {
    module.C_FindObjectsFinal(session);
  }
}

function certificatesOf(module: Module, lib: Pkcs11Js, session: Handle): RawCertificate[] {
  const objects = findObjects(module, session, [
    { type: lib.CKA_CLASS, value: lib.CKO_CERTIFICATE },
    { type: lib.CKA_CERTIFICATE_TYPE, value: lib.CKC_X_509 },
  ]);
  const out: RawCertificate[] = [];
  for (const object of objects) {
    const [value, id, label] = module.C_GetAttributeValue(session, object, [{ type: lib.CKA_VALUE }, { type: lib.CKA_ID }, { type: lib.CKA_LABEL }]);
    if (!(value?.value instanceof Buffer)) continue;
    try {
      out.push({
        object,
        parsed: parseCertificate(new Uint8Array(value.value)),
        id: id?.value instanceof Buffer ? id.value.toString('hex') : '',
        label: label?.value instanceof Buffer ? label.value.toString('utf8') : '',
      });
    } catch {
      // a certificate the token holds but that does not parse: not offered
    }
  }
  return out;
}

function describe(slot: number, token: { label: string; serialNumber: string; manufacturerID: string; model: string }, c: RawCertificate): TokenCertificate {
  return {
    slot,
    tokenLabel: trimmed(token.label),
    tokenSerial: trimmed(token.serialNumber),
    tokenDescription: [trimmed(token.manufacturerID), trimmed(token.model)].filter(Boolean).join(', '),
    label: c.label,
    id: c.id,
    subject: displayName(nameParts(c.parsed.cert.subject)),
    issuer: displayName(nameParts(c.parsed.cert.issuer)),
    notBefore: c.parsed.cert.notBefore.value.toISOString(),
    notAfter: c.parsed.cert.notAfter.value.toISOString(),
    keyAlgorithm: keyAlgorithmOf(c.parsed.cert),
  };
}

type TokenInfo = ReturnType<Module['C_GetTokenInfo']>;

/**
 * The slots holding an initialised token, with the certificates read from each.
 * A slot whose card cannot be read (blank, unknown card, reader error) is skipped:
 * it must not hide the cards that work.
 */
function readTokens(module: Module, lib: Pkcs11Js): { handle: Handle; token: TokenInfo; certificates: RawCertificate[] }[] {
  const out: { handle: Handle; token: TokenInfo; certificates: RawCertificate[] }[] = [];
  for (const handle of module.C_GetSlotList(true)) {
    let session: Handle | null = null;
    try {
      const token = module.C_GetTokenInfo(handle);
      if ((token.flags & lib.CKF_TOKEN_INITIALIZED) === 0) continue;
      session = module.C_OpenSession(handle, lib.CKF_SERIAL_SESSION);
      out.push({ handle, token, certificates: certificatesOf(module, lib, session) });
    } catch {
      // unreadable slot: skipped
    } finally {
      if (session) module.C_CloseSession(session);
    }
  }
  return out;
}

const isSigningCertificate = (c: RawCertificate): boolean => !isAuthority(c.parsed.cert) && allowsSigning(c.parsed.cert);

/** The signing certificates of every token inserted (public objects: no PIN needed). */
export function listTokenCertificates(modulePath: string): Promise<TokenCertificate[]> {
  return withModule(modulePath, (module, lib) =>
    readTokens(module, lib).flatMap(({ handle, token, certificates }) =>
      certificates.filter(isSigningCertificate).map((c) => describe(slotNumber(handle), token, c)),
    ),
  );
}

const matches = (selection: TokenSelection, c: TokenCertificate): boolean =>
  (selection.slot === undefined || selection.slot === c.slot) &&
  (selection.tokenLabel === undefined || selection.tokenLabel === c.tokenLabel) &&
  (selection.tokenSerial === undefined || selection.tokenSerial === c.tokenSerial) &&
  (selection.certificateId === undefined || selection.certificateId.toLowerCase() === c.id) &&
  (selection.certificateLabel === undefined || selection.certificateLabel === c.label);

const describeChoice = (c: TokenCertificate): string =>
  `« ${c.subject} » (étiquette « ${c.label} », carte « ${c.tokenLabel} », emplacement ${c.slot}, valable jusqu’au ${formatDate(c.notAfter)})`;

// ---------------------------------------------------------------------------
// Signing

/** DER `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` from PKCS#11's raw r || s. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new SignatureError('TOKEN_FAILURE', 'La carte a rendu une signature ECDSA mal formée : rien n’a été signé.');
  const half = raw.length / 2;
  const integer = (bytes: Uint8Array): asn1js.Integer => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const body = bytes.subarray(start);
    // A fresh array either way: a Buffer's slice() shares its (pooled) memory.
    const value = body[0]! & 0x80 ? Uint8Array.from([0, ...body]) : Uint8Array.from(body);
    return new asn1js.Integer({ valueHex: value.buffer as ArrayBuffer });
  };
  return new Uint8Array(new asn1js.Sequence({ value: [integer(raw.subarray(0, half)), integer(raw.subarray(half))] }).toBER(false));
}

/** DigestInfo prefix of SHA-256 (RFC 8017 §9.2), for tokens that only offer raw CKM_RSA_PKCS. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * Opens the selected certificate's identity on its token with `pin`: the token
 * must be there, the certificate found (exactly one if the selection is
 * loose), valid at `at`, and its private key present. The module stays loaded
 * until `close()`; `sign` computes the signature on the token.
 */
export async function openTokenIdentity(selection: TokenSelection, pin: string, at: Date = new Date()): Promise<TokenIdentity> {
  let opened!: (identity: TokenIdentity) => void;
  let failed!: (error: unknown) => void;
  const ready = new Promise<TokenIdentity>((resolve, reject) => ((opened = resolve), (failed = reject)));
  // The module stays held (and the queue waits) until the identity is closed.
  void withModule(selection.modulePath, async (module, lib) => {
    const candidates: { handle: Handle; description: TokenCertificate; raw: RawCertificate; others: ParsedCertificate[] }[] = [];
    const tokens = readTokens(module, lib);
    for (const { handle, token, certificates } of tokens) {
      for (const raw of certificates.filter(isSigningCertificate)) {
        const description = describe(slotNumber(handle), token, raw);
        if (matches(selection, description)) candidates.push({ handle, description, raw, others: certificates.map((c) => c.parsed) });
      }
    }
    if (candidates.length === 0) {
      const named = selection.tokenSerial ?? selection.tokenLabel;
      const present = tokens.some(
        ({ token: t }) =>
          (selection.tokenSerial === undefined || trimmed(t.serialNumber) === selection.tokenSerial) &&
          (selection.tokenLabel === undefined || trimmed(t.label) === selection.tokenLabel),
      );
      if (named !== undefined && !present) {
        throw new SignatureError(
          'NO_TOKEN',
          `La carte « ${selection.tokenLabel ?? selection.tokenSerial} » n’est pas insérée (ou a été retirée) : rien n’a été signé. Insérez-la et recommencez.`,
        );
      }
      throw tokens.length > 0
        ? new SignatureError('CERTIFICATE_NOT_FOUND', 'Le certificat choisi n’est pas sur la carte ou la clé insérée : choisissez de nouveau le certificat.')
        : new SignatureError('NO_TOKEN', 'Aucune carte ni clé USB de signature n’est insérée (ou le lecteur ne la voit pas) : insérez-la et recommencez.');
    }
    if (candidates.length > 1) {
      throw new SignatureError(
        'CERTIFICATE_NOT_FOUND',
        `Plusieurs certificats de signature conviennent ; précisez lequel :\n${candidates.map((c) => `- ${describeChoice(c.description)}`).join('\n')}`,
      );
    }
    const chosen = candidates[0]!;
    const described = describeSigner(chosen.raw.parsed, chosen.others, at);

    const session = module.C_OpenSession(chosen.handle, lib.CKF_SERIAL_SESSION);
    let closed = false;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const close = (): void => {
      if (closed) return;
      closed = true;
      try {
        module.C_Logout(session);
      } catch {
        // not logged in, or the token is gone
      }
      try {
        module.C_CloseSession(session);
      } catch {
        // idem
      }
      finish();
    };
    try {
      module.C_Login(session, lib.CKU_USER, pin);
      const keys = findObjects(module, session, [
        { type: lib.CKA_CLASS, value: lib.CKO_PRIVATE_KEY },
        { type: lib.CKA_ID, value: Buffer.from(chosen.raw.id, 'hex') },
      ]);
      if (keys.length === 0 || chosen.raw.id === '') {
        throw new SignatureError(
          'NO_PRIVATE_KEY',
          `La carte ne contient pas la clé privée du certificat de « ${described.subject.commonName ?? described.subject.text} » : il ne peut pas signer. Choisissez un autre certificat.`,
        );
      }
      const key = keys[0]!;
      const mechanisms = module.C_GetMechanismList(chosen.handle);
      opened({
        ...described,
        token: chosen.description,
        close,
        sign: async (data) => {
          if (closed) throw new SignatureError('TOKEN_FAILURE', 'La session de la carte est fermée : rien n’a été signé.');
          try {
            const out = Buffer.alloc(1024);
            if (described.keyAlgorithm === 'ECDSA') {
              const hash = createHash('sha256').update(data).digest();
              module.C_SignInit(session, { mechanism: lib.CKM_ECDSA }, key);
              return ecdsaRawToDer(module.C_Sign(session, hash, out));
            }
            if (mechanisms.includes(lib.CKM_SHA256_RSA_PKCS)) {
              module.C_SignInit(session, { mechanism: lib.CKM_SHA256_RSA_PKCS }, key);
              return new Uint8Array(module.C_Sign(session, Buffer.from(data), out));
            }
            const hash = createHash('sha256').update(data).digest();
            module.C_SignInit(session, { mechanism: lib.CKM_RSA_PKCS }, key);
            return new Uint8Array(module.C_Sign(session, Buffer.concat([SHA256_DIGEST_INFO, hash]), out));
          } catch (error) {
            throw tokenError(error);
          }
        },
      });
    } catch (error) {
      close();
      throw error;
    }
    await done;
  }).catch((error: unknown) => failed(error));
  return ready;
}

/** `at`-independent check that a module path loads as PKCS#11 and how many tokens it sees. */
export function probeModule(modulePath: string): Promise<{ readonly tokens: number }> {
  return withModule(modulePath, (module) => ({ tokens: module.C_GetSlotList(true).length }));
}
