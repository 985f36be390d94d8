/**
 * A real RFC 3161 time-stamp authority for tests: `openssl ts -reply` behind a
 * node:http server on 127.0.0.1 (a random port), with a TSA certificate made
 * by `openssl x509` (critical extendedKeyUsage timeStamping) issued by a CA of
 * the test PKI (tests/support/pki.ts) — or by any other CA, for an untrusted TSA.
 *
 * `mode` changes what the server answers, to test the client's checks.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import type { Issued } from './pki';

const run = promisify(execFile);

export const TEST_TSA_CN = 'Autorité d’horodatage de test QRR';

export type TsaMode =
  /** A good token over the query. */
  | 'good'
  /** A token over other data (another query, same nonce). */
  | 'other-data'
  /** HTTP 500. */
  | 'http-error'
  /** 200 with bytes that are not a time-stamp reply. */
  | 'garbage'
  /** A « rejection » status. */
  | 'rejection';

export interface TestTsa {
  readonly url: string;
  /** Queries received, DER. */
  readonly queries: Uint8Array[];
  mode: TsaMode;
  close(): Promise<void>;
}

export interface TsaCertificateOptions {
  /** The CA that issues the TSA certificate. */
  readonly issuer: Issued;
  /** Chain certificates (PEM) to put in the tokens besides the TSA's own. */
  readonly chainPem?: readonly string[];
  /** Default true: critical extendedKeyUsage timeStamping. */
  readonly timeStampingUsage?: boolean;
  readonly commonName?: string;
}

/** Makes the TSA key, certificate and openssl configuration in `dir`; returns the config path. */
async function makeTsaFiles(dir: string, options: TsaCertificateOptions): Promise<string> {
  const file = (name: string): string => path.join(dir, name);
  fs.writeFileSync(file('ca.pem'), forge.pki.certificateToPem(options.issuer.cert));
  fs.writeFileSync(file('ca.key'), forge.pki.privateKeyToPem(options.issuer.key));
  await run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file('tsa.key')]);
  const subject = `/C=FR/O=Ministère de l'Intérieur (test)/CN=${options.commonName ?? TEST_TSA_CN}`;
  await run('openssl', ['req', '-new', '-utf8', '-key', file('tsa.key'), '-subj', subject, '-out', file('tsa.csr')]);
  fs.writeFileSync(
    file('ext.cnf'),
    [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      ...(options.timeStampingUsage === false ? [] : ['extendedKeyUsage = critical, timeStamping']),
      'subjectKeyIdentifier = hash',
    ].join('\n'),
  );
  await run('openssl', [
    'x509', '-req', '-in', file('tsa.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-set_serial', '4242',
    '-days', '3650', '-sha256', '-extfile', file('ext.cnf'), '-out', file('tsa.pem'),
  ]);
  fs.writeFileSync(file('chain.pem'), [fs.readFileSync(file('tsa.pem'), 'utf8'), ...(options.chainPem ?? [])].join('\n'));
  fs.writeFileSync(file('serial'), '01\n');
  const config = file('tsa.cnf');
  fs.writeFileSync(
    config,
    `[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = ${dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/chain.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.250.1.999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`,
  );
  return config;
}

/** Starts the TSA; close() stops it and removes its files. */
export async function startTestTsa(options: TsaCertificateOptions): Promise<TestTsa> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-tsa-'));
  const config = await makeTsaFiles(dir, options);
  let counter = 0;
  const queries: Uint8Array[] = [];

  const reply = async (query: Buffer, mode: TsaMode): Promise<Buffer> => {
    const n = ++counter;
    const req = path.join(dir, `q${n}.tsq`);
    const resp = path.join(dir, `r${n}.tsr`);
    fs.writeFileSync(req, mode === 'other-data' ? otherDataQuery(query) : query);
    await run('openssl', ['ts', '-reply', '-config', config, '-queryfile', req, '-out', resp]);
    return fs.readFileSync(resp);
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const query = Buffer.concat(chunks);
      queries.push(new Uint8Array(query));
      const mode = tsa.mode;
      if (mode === 'http-error') {
        response.writeHead(500).end('erreur');
        return;
      }
      if (mode === 'garbage') {
        response.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end('pas une réponse');
        return;
      }
      if (mode === 'rejection') {
        // PKIStatusInfo { status rejection(2), failInfo badAlg } — written by hand, openssl only grants.
        response.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(Buffer.from('30093007020102' + '03020780', 'hex'));
        return;
      }
      reply(query, mode).then(
        (body) => response.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const tsa: TestTsa = {
    url: `http://127.0.0.1:${port}/tsa`,
    queries,
    mode: 'good',
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return tsa;
}

/** The same query (same nonce, same certReq) with the imprint's bytes flipped: « other data ». */
function otherDataQuery(query: Buffer): Buffer {
  const copy = Buffer.from(query);
  // The SHA-256 imprint is the 32 bytes after the OCTET STRING header 04 20 that follows the algorithm.
  const at = copy.indexOf(Buffer.from('0420', 'hex'));
  for (let i = at + 2; i < at + 34; i++) copy[i] = copy[i]! ^ 0xff;
  return copy;
}

/** A URL on 127.0.0.1 where nothing listens (a port just freed). */
export async function unreachableTsaUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/tsa`;
}
