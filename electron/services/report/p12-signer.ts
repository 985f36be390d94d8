/**
 * A signing identity from a .p12 / .pfx file and its password (pkcs12.ts
 * decodes the file). The key stays in this process's memory, inside the
 * identity's `sign`; nothing else sees it.
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { readPkcs12 } from './pkcs12';
import { SignatureError } from './signature-error';
import { describeSigner, parseCertificate, spkiOf, type ParsedCertificate, type SigningIdentity } from './signing-identity';

/**
 * Opens a .p12 / .pfx with its password. `at` (default now) is when the
 * certificate must be valid. Throws {@link SignatureError}.
 */
export function openP12(p12: Uint8Array, password: string, at: Date = new Date()): SigningIdentity {
  const { keys: keyBytes, certificates } = readPkcs12(p12, password);
  if (keyBytes.length === 0) {
    throw new SignatureError(
      'NO_PRIVATE_KEY',
      "Ce fichier ne contient pas de clé privée : il faut le certificat de signature exporté avec sa clé privée (.p12 ou .pfx), pas seulement le certificat public.",
    );
  }
  if (certificates.length === 0) throw new SignatureError('NO_CERTIFICATE', 'Ce fichier ne contient aucun certificat.');

  const keys: KeyObject[] = keyBytes.map((der) => {
    try {
      return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    } catch {
      throw new SignatureError('UNSUPPORTED_KEY', "La clé privée du certificat est d'un type non pris en charge.");
    }
  });
  let parsed: ParsedCertificate[];
  try {
    parsed = certificates.map(parseCertificate);
  } catch {
    throw new SignatureError('UNREADABLE', "Un certificat de ce fichier .p12 / .pfx est illisible.");
  }
  for (const key of keys) {
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') continue;
    const pub = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const signer = parsed.find((p) => spkiOf(p.cert).equals(pub));
    if (!signer) continue;
    const description = describeSigner(signer, parsed, at);
    return {
      ...description,
      // RSA PKCS#1 v1.5 or ECDSA (DER), SHA-256: what the CMS announces (sign.ts).
      sign: async (data) => new Uint8Array(cryptoSign('sha256', data, key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'der' } : key)),
    };
  }
  const types = [...new Set(keys.map((k) => k.asymmetricKeyType ?? 'inconnu'))].filter((t) => t !== 'rsa' && t !== 'ec');
  if (types.length > 0) {
    throw new SignatureError('UNSUPPORTED_KEY', `Les clés de type ${types.join(', ')} ne sont pas prises en charge (RSA ou ECDSA attendu).`);
  }
  throw new SignatureError('NO_PRIVATE_KEY', 'La clé privée du fichier ne correspond à aucun de ses certificats.');
}
