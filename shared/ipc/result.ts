/**
 * The envelope every IPC response travels in. Errors never cross the bridge as
 * thrown exceptions (Electron flattens them to a string); they travel as data
 * with a stable code for the program and a French message for the user.
 */
export const ERROR_CODES = [
  'VALIDATION', // the request does not match its schema or a business rule
  'NOT_FOUND', // the record the request names does not exist
  'CONFLICT', // the request contradicts the current state (duplicate name, archived QRR…)
  'NOT_CONFIGURED', // the département has not been chosen yet
  'UNKNOWN_CHANNEL', // no such request in the contract
  'FORBIDDEN_SENDER', // the request came from a frame that is not the application
  'PAYLOAD_TOO_LARGE', // the request is bigger than any legitimate one
  'DATABASE_TOO_NEW', // the database file was written by a newer version of the application
  'DATABASE_BUSY', // another window or command is writing to the same file; nothing was written, try again
  'CANCELLED', // the user cancelled a long task at a safe point: nothing was written
  'CORE_STOPPED', // the process holding the data stopped during the request; it is restarted for the next one
  'INTERNAL', // a bug: the message stays generic, the details go to the log
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  /** Dotted path of the offending field in the request, e.g. `communes.2`. */
  readonly path: string;
  readonly message: string;
}

export interface ApiError {
  readonly code: ErrorCode;
  /** French, complete sentence, fit to show as is. */
  readonly message: string;
  readonly issues?: readonly FieldIssue[];
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, issues?: readonly FieldIssue[]): Result<never> => ({
  ok: false,
  error: issues && issues.length > 0 ? { code, message, issues } : { code, message },
});

/**
 * A business-rule refusal raised by a service. The dispatcher turns it into
 * `{ ok: false, error }`; anything else thrown is a bug and becomes INTERNAL.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly FieldIssue[] | undefined;
  constructor(code: ErrorCode, message: string, issues?: readonly FieldIssue[]) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.issues = issues;
  }
}
