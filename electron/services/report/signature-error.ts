/**
 * Refusals to sign, in French, with a stable `reason` for programs. Raised by
 * the signers (PKCS#12 file, PKCS#11 token) and by the PDF signature itself.
 */
import { DomainError } from '../../../shared/ipc/result';

export type SignatureErrorReason =
  | 'UNREADABLE'
  | 'BAD_PASSWORD'
  | 'UNSUPPORTED_ENCRYPTION'
  | 'NO_PRIVATE_KEY'
  | 'NO_CERTIFICATE'
  | 'UNSUPPORTED_KEY'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'NOT_FOR_SIGNING'
  | 'PLACEHOLDER_TOO_SMALL'
  | 'ALREADY_SIGNED'
  | 'NOT_A_PDF'
  // PKCS#11 tokens (smart card, USB key)
  | 'NOT_A_PKCS11_MODULE'
  | 'NO_TOKEN'
  | 'TOKEN_REMOVED'
  | 'BAD_PIN'
  | 'PIN_LOCKED'
  | 'CERTIFICATE_NOT_FOUND'
  | 'TOKEN_FAILURE';

/** A refusal to sign, in French; `reason` for programs. */
export class SignatureError extends DomainError {
  readonly reason: SignatureErrorReason;
  constructor(reason: SignatureErrorReason, message: string) {
    super('VALIDATION', message);
    this.name = 'SignatureError';
    this.reason = reason;
  }
}
