import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TrustedRoot } from '../../shared/domain/types';
import { DomainError } from '../../shared/ipc/result';
import { recordAudit } from './audit';
import type { ServiceContext } from './context';
import { writeTransaction } from './db/query';

/**
 * The certification authorities the user trusts for report signatures (their
 * organisation's roots): PEM files in a folder beside the database, named by
 * their SHA-256 fingerprint, so IT can also drop files there.
 */
export function createTrustStore(dir: string) {
  const read = (): { root: TrustedRoot; pem: string }[] => {
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((name) => /\.(pem|crt|cer)$/i.test(name))
      .flatMap((name) => {
        try {
          const cert = new X509Certificate(fs.readFileSync(path.join(dir, name)));
          return [{ root: describe(cert), pem: cert.toString() }];
        } catch {
          return []; // not a certificate: ignored, never deleted
        }
      })
      .sort((a, b) => a.root.subject.localeCompare(b.root.subject, 'fr'));
  };

  return {
    list: (): TrustedRoot[] => read().map((r) => r.root),
    pems: (): string[] => read().map((r) => r.pem),
    add(ctx: ServiceContext, bytes: Buffer): TrustedRoot {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(bytes);
      } catch {
        throw new DomainError('VALIDATION', "Ce fichier n'est pas un certificat X.509 (PEM ou DER).");
      }
      if (!cert.ca) {
        throw new DomainError('VALIDATION', "Ce certificat n'est pas celui d'une autorité de certification : choisissez le certificat racine de votre organisation.");
      }
      const root = describe(cert);
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${root.fingerprint}.pem`);
      writeTransaction(ctx, () => {
        recordAudit(ctx, [{ entity: 'trusted_root', entityId: root.fingerprint, action: 'create', newValue: root.subject }]);
        fs.writeFileSync(file, cert.toString());
      });
      return root;
    },
    remove(ctx: ServiceContext, fingerprint: string): void {
      const entry = read().find((r) => r.root.fingerprint === fingerprint);
      if (!entry) throw new DomainError('NOT_FOUND', "Cette autorité n'est plus dans la liste.");
      writeTransaction(ctx, () => {
        recordAudit(ctx, [{ entity: 'trusted_root', entityId: fingerprint, action: 'delete', oldValue: entry.root.subject }]);
        for (const name of fs.readdirSync(dir)) {
          try {
            if (describe(new X509Certificate(fs.readFileSync(path.join(dir, name)))).fingerprint === fingerprint) fs.rmSync(path.join(dir, name));
          } catch {
            // not a certificate: left alone
          }
        }
      });
    },
  };
}

export type TrustStore = ReturnType<typeof createTrustStore>;

function describe(cert: X509Certificate): TrustedRoot {
  return {
    fingerprint: cert.fingerprint256.replaceAll(':', '').toLowerCase(),
    subject: cert.subject.replaceAll('\n', ', '),
    validTo: new Date(cert.validTo).toISOString(),
  };
}
