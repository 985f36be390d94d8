/**
 * Signer certificates made by the openssl command line, issued by the test
 * PKI's intermediate CA (tests/support/pki.ts): RSA of any size and ECDSA
 * keys (node-forge only makes RSA certificates), with accented UTF-8 names.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { certificatePem, privateKeyPem, type TestPki } from './pki';

export type LeafKey = 'RSA 2048' | 'RSA 3072' | 'RSA 4096' | 'ECDSA P-256' | 'ECDSA P-384';

export interface Leaf {
  /** PKCS#8 PEM private key file. */
  readonly key: string;
  /** PEM certificate file. */
  readonly cert: string;
  /** DER certificate file. */
  readonly certDer: string;
}

export const openssl = (args: string[], env: Record<string, string> = {}): void => {
  execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
};

/** Writes the intermediate CA's key and certificate and the chain (intermediate + root) as PEM in `dir`. */
export function writeIssuer(dir: string, pki: TestPki): { key: string; cert: string; chain: string } {
  const key = path.join(dir, 'ac-intermediaire.key');
  const cert = path.join(dir, 'ac-intermediaire.pem');
  const chain = path.join(dir, 'chaine.pem');
  fs.writeFileSync(key, privateKeyPem(pki.intermediate));
  fs.writeFileSync(cert, certificatePem(pki.intermediate));
  fs.writeFileSync(chain, certificatePem(pki.intermediate) + certificatePem(pki.root));
  return { key, cert, chain };
}

/** A document-signing certificate (digitalSignature + nonRepudiation) for a new key, valid from now for 10 years. */
export function issueLeaf(dir: string, issuer: { key: string; cert: string }, options: { kind: LeafKey; commonName: string; serial: number }): Leaf {
  const [type, size] = options.kind.split(' ') as ['RSA' | 'ECDSA', string];
  const { privateKey } = type === 'RSA' ? generateKeyPairSync('rsa', { modulusLength: Number(size) }) : generateKeyPairSync('ec', { namedCurve: size });
  const base = path.join(dir, `signataire-${options.serial}`);
  const ext = `${base}.cnf`;
  fs.writeFileSync(ext, '[v3]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\n');
  fs.writeFileSync(`${base}.key`, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  openssl(['req', '-new', '-utf8', '-key', `${base}.key`, '-subj', `/C=FR/O=Préfecture de l'Hérault/CN=${options.commonName}`, '-out', `${base}.csr`]);
  openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', issuer.cert, '-CAkey', issuer.key, '-set_serial', String(options.serial), '-days', '3650', '-sha256', '-extfile', ext, '-extensions', 'v3', '-out', `${base}.pem`]);
  openssl(['x509', '-in', `${base}.pem`, '-outform', 'DER', '-out', `${base}.der`]);
  return { key: `${base}.key`, cert: `${base}.pem`, certDer: `${base}.der` };
}
