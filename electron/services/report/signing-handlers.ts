/**
 * The signing side of the IPC handlers: the signing setup (PKCS#11 module,
 * remembered certificate), the certificates on the inserted tokens, and the
 * translation of a generateReport request's signature into what
 * produceReport opens — a .p12 from the page or from its path on this
 * workstation, or a token certificate through the module set in Paramètres.
 * After a signed report is recorded, the certificate used is remembered
 * (never the password or PIN).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SigningChoice, SigningSetup, TokenCertificateDto } from '../../../shared/domain/signing';
import type { ParsedRequestOf } from '../../../shared/ipc/contract';
import { DomainError } from '../../../shared/ipc/result';
import type { ServiceContext } from '../context';
import { proposedModules, type SigningPreferencesStore } from '../signing-preferences';
import { listTokenCertificates } from './pkcs11-signer';
import type { OpenedSigner, ProduceReportOptions } from './report-service';

type SignatureRequest = NonNullable<ParsedRequestOf<'generateReport'>['signature']>;

/** The largest .p12 read from a path (a certificate with its chain is a few kilobytes). */
const P12_MAX_BYTES = 200 * 1024;

export function createSigningHandlers(ctx: ServiceContext, preferences: SigningPreferencesStore) {
  const setup = (): SigningSetup => ({ ...preferences.get(), proposedModules: proposedModules() });
  const requireModule = (): string => {
    const modulePath = preferences.get().pkcs11ModulePath;
    if (!modulePath) {
      throw new DomainError('NOT_CONFIGURED', 'Indiquez d’abord dans les paramètres le module PKCS#11 de votre carte (bibliothèque fournie avec le lecteur).');
    }
    return modulePath;
  };

  /** What produceReport needs to sign, and what to remember once signed. */
  function signatureOf(request: SignatureRequest): Pick<ProduceReportOptions, 'signature' | 'onSigned'> {
    const layout = { visible: request.visible, ...(request.title ? { title: request.title } : {}) };
    if ('token' in request) {
      const modulePath = requireModule();
      const { slot, tokenLabel, tokenSerial, certificateId } = request.token;
      return {
        signature: {
          token: { modulePath, certificateId, ...(slot !== undefined ? { slot } : {}), ...(tokenLabel ? { tokenLabel } : {}), ...(tokenSerial ? { tokenSerial } : {}) },
          pin: request.pin,
          ...layout,
        },
        onSigned: (signer: OpenedSigner) => {
          if (!signer.token) return;
          const t = signer.token;
          const choice: SigningChoice = {
            kind: 'pkcs11',
            modulePath,
            slot: t.slot,
            tokenLabel: t.tokenLabel,
            tokenSerial: t.tokenSerial,
            certificateId: t.id,
            certificateLabel: t.label,
            subject: t.subject,
          };
          preferences.remember(choice);
        },
      };
    }
    if (request.p12Path !== undefined) {
      const file = request.p12Path;
      const p12 = readP12File(file);
      return { signature: { p12, password: request.password, ...layout }, onSigned: () => preferences.remember({ kind: 'p12', path: file }) };
    }
    return { signature: { p12: Buffer.from(request.p12Base64 ?? '', 'base64'), password: request.password, ...layout } };
  }

  return {
    signatureOf,
    handlers: {
      getSigningSetup: (): SigningSetup => setup(),
      setPkcs11Module: ({ modulePath }: { modulePath: string | null }): SigningSetup => {
        preferences.setModulePath(ctx, modulePath === null || modulePath.trim() === '' ? null : modulePath.trim());
        return setup();
      },
      listTokenCertificates: async (): Promise<TokenCertificateDto[]> => listTokenCertificates(requireModule()),
    },
  };
}

function readP12File(file: string): Uint8Array {
  if (!path.isAbsolute(file)) throw new DomainError('VALIDATION', 'Indiquez le chemin complet du fichier du certificat (.p12 ou .pfx).');
  if (!/\.(p12|pfx)$/i.test(file)) throw new DomainError('VALIDATION', `« ${path.basename(file)} » n'est pas un fichier .p12 ou .pfx.`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new DomainError('NOT_FOUND', `Le certificat « ${file} » est introuvable : a-t-il été déplacé ? Choisissez-le de nouveau.`);
  }
  if (!stat.isFile() || stat.size > P12_MAX_BYTES) throw new DomainError('VALIDATION', `« ${path.basename(file)} » n'est pas un certificat .p12 / .pfx.`);
  return new Uint8Array(fs.readFileSync(file));
}
