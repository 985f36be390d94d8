/**
 * Distinguished names as people read them (« CN=…, O=…, C=FR »), decoded by
 * asn1js whatever the string type (UTF8String, PrintableString, BMPString…).
 * Shared by the signers (sign.ts, the PKCS#12 and PKCS#11 providers) and the verifier.
 */
import type * as pkijs from 'pkijs';

const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';

/** The string value of an attribute, decoded by asn1js (UTF8String, PrintableString, BMPString…). */
function attributeText(value: unknown): string {
  const block = (value as { valueBlock?: { value?: unknown } }).valueBlock;
  return typeof block?.value === 'string' ? block.value : '';
}

export interface NameParts {
  readonly commonName: string | null;
  readonly organization: string | null;
  /** `CN=…, O=…, C=FR`, readable UTF-8. */
  readonly text: string;
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'E',
};

export function nameParts(name: pkijs.RelativeDistinguishedNames): NameParts {
  const pick = (oid: string): string | null => {
    const found = name.typesAndValues.find((t) => t.type === oid);
    return found ? attributeText(found.value) : null;
  };
  return {
    commonName: pick(OID_COMMON_NAME),
    organization: pick(OID_ORGANIZATION),
    text: name.typesAndValues
      .slice()
      .reverse()
      .map((t) => `${SHORT_NAMES[t.type] ?? t.type}=${attributeText(t.value)}`)
      .join(', '),
  };
}

/** The signer as people read it: « Coordinatrice QRR — Préfecture de l'Hérault ». */
export const displayName = (parts: NameParts): string => parts.commonName ?? parts.organization ?? parts.text;
