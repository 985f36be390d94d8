/**
 * A smart card for tests: a SoftHSM2 token initialised in a temporary folder
 * (SOFTHSM2_CONF points at its configuration), filled with softhsm2-util
 * (private keys, PKCS#8) and OpenSC's pkcs11-tool (certificates).
 *
 * SoftHSM2 never locks a token after wrong PINs; a real card does
 * (CKR_PIN_LOCKED). {@link buildLockedCardModule} compiles a small PKCS#11
 * module that hands out SoftHSM2's own function list with C_Login answering
 * CKR_PIN_LOCKED, as a blocked card does: everything else is SoftHSM2.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { issueLeaf, type LeafKey } from './openssl-pki';
import { REPO_ROOT } from './paths';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const hasSoftHsm = (): boolean => fs.existsSync(SOFTHSM_MODULE);

export interface TestToken {
  readonly label: string;
  readonly pin: string;
  readonly conf: string;
}

const run = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A fresh token store in `dir`, selected for this process (and its children) through SOFTHSM2_CONF. */
export function initToken(dir: string, label: string, pin = '1234'): TestToken {
  const tokens = path.join(dir, 'softhsm-tokens');
  fs.mkdirSync(tokens, { recursive: true });
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env.SOFTHSM2_CONF = conf;
  run('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', '87654321']);
  return { label, pin, conf };
}

/** Imports a PKCS#8 PEM private key (and its public key) under CKA_ID `id` (hex). */
export function importKey(token: TestToken, keyPem: string, id: string, label: string): void {
  run('softhsm2-util', ['--import', keyPem, '--token', token.label, '--label', label, '--id', id, '--pin', token.pin]);
}

/** Writes a DER certificate on the token under CKA_ID `id` (hex). */
export function importCertificate(token: TestToken, certDer: string, id: string, label: string): void {
  run('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', token.label, '--login', '--pin', token.pin, '--write-object', certDer, '--type', 'cert', '--id', id, '--label', label]);
}

/**
 * A signer certificate issued by `issuer` (openssl-pki.ts) put on the token
 * under CKA_ID `id`, with its private key unless `withKey` is false (a
 * certificate whose key is missing).
 */
export function addSigner(
  token: TestToken,
  dir: string,
  issuer: { key: string; cert: string },
  signer: { kind: LeafKey; commonName: string; serial: number; id: string; label: string; withKey?: boolean },
): void {
  const leaf = issueLeaf(dir, issuer, signer);
  if (signer.withKey !== false) importKey(token, leaf.key, signer.id, signer.label);
  importCertificate(token, leaf.certDer, signer.id, signer.label);
}

/** The card taken out: the token is deleted from SoftHSM2's store. */
export function removeToken(token: TestToken): void {
  run('softhsm2-util', ['--delete-token', '--token', token.label]);
}

const LOCKED_CARD_SOURCE = String.raw`
#include <dlfcn.h>
#include <stdlib.h>
#define CK_PTR *
#define CK_DECLARE_FUNCTION(returnType, name) returnType name
#define CK_DECLARE_FUNCTION_POINTER(returnType, name) returnType (* name)
#define CK_CALLBACK_FUNCTION(returnType, name) returnType (* name)
#ifndef NULL_PTR
#define NULL_PTR 0
#endif
#include "pkcs11.h"

static CK_FUNCTION_LIST locked;

static CK_RV locked_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG length) {
  (void)session; (void)user; (void)pin; (void)length;
  return CKR_PIN_LOCKED;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  void *real = dlopen(SOFTHSM_PATH, RTLD_NOW | RTLD_LOCAL);
  if (!real) return CKR_GENERAL_ERROR;
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(real, "C_GetFunctionList");
  CK_FUNCTION_LIST_PTR functions;
  if (!get || get(&functions) != CKR_OK) return CKR_GENERAL_ERROR;
  locked = *functions;
  locked.C_Login = locked_login;
  *list = &locked;
  return CKR_OK;
}
`;

/** Compiles the « blocked card » module into `dir` (needs a C compiler, as better-sqlite3 does). */
export function buildLockedCardModule(dir: string): string {
  const source = path.join(dir, 'carte-bloquee.c');
  const library = path.join(dir, 'carte-bloquee.so');
  fs.writeFileSync(source, LOCKED_CARD_SOURCE);
  run('cc', [
    '-shared',
    '-fPIC',
    '-o',
    library,
    `-DSOFTHSM_PATH="${SOFTHSM_MODULE}"`,
    '-I',
    path.join(REPO_ROOT, 'node_modules', 'pkcs11js', 'includes', 'pkcs11'),
    source,
    '-ldl',
  ]);
  return library;
}
