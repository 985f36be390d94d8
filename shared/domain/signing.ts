/**
 * Signing choices shared by main and the renderer: the certificate last used
 * (a .p12 / .pfx file, or a certificate on a smart card / USB token through
 * PKCS#11) and the certificates a token offers. No password or PIN ever
 * appears in these types: they are asked for each signature and never kept.
 */

/** A certificate on a token, as the Rapports screen lists it. */
export interface TokenCertificateDto {
  readonly slot: number;
  readonly tokenLabel: string;
  readonly tokenSerial: string;
  readonly tokenDescription: string;
  readonly label: string;
  /** CKA_ID, hexadecimal. */
  readonly id: string;
  readonly subject: string;
  readonly issuer: string;
  /** ISO 8601. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly keyAlgorithm: 'RSA' | 'ECDSA' | null;
}

export type SigningChoice =
  | { readonly kind: 'p12'; readonly path: string }
  | {
      readonly kind: 'pkcs11';
      readonly modulePath: string;
      readonly slot: number | null;
      readonly tokenLabel: string;
      readonly tokenSerial: string;
      readonly certificateId: string;
      readonly certificateLabel: string;
      /** Shown to the user: « Coordinatrice QRR — Préfecture de l'Hérault ». */
      readonly subject: string;
    };

export interface SigningPreferences {
  /** The PKCS#11 library of the card's middleware on this workstation (Paramètres). */
  readonly pkcs11ModulePath: string | null;
  /** The certificate last used to sign, proposed first next time. */
  readonly lastChoice: SigningChoice | null;
}

export interface SigningSetup extends SigningPreferences {
  /** Usual PKCS#11 modules found on this workstation. */
  readonly proposedModules: readonly string[];
}
