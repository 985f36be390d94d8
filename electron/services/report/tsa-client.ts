/**
 * The only network client of the application: it POSTs an RFC 3161 time-stamp
 * query to the time-stamp authority (TSA) the user configured, and nothing
 * else. The application is offline otherwise; tests/unit/offline.test.ts
 * checks that no other module opens a connection.
 *
 * - http or https, no credentials in the URL (they would end up in logs);
 * - redirects are NOT followed: the configured host is the only one contacted;
 * - a timeout covers the whole exchange, and the answer is size-capped.
 *
 * Failures are {@link TimestampError}s with a French message.
 *
 * Plain Node, never imports electron.
 */
import http from 'node:http';
import https from 'node:https';
import { DomainError } from '../../../shared/ipc/result';
import { cancelledError } from '../ipc/call-context';

export type TimestampErrorReason = 'BAD_URL' | 'UNREACHABLE' | 'TIMEOUT' | 'HTTP' | 'BAD_RESPONSE' | 'REJECTED' | 'MISMATCH';

/**
 * The time-stamp could not be obtained. Its `issues` name `withoutTimestamp`:
 * the request field by which the user may choose to sign without one.
 */
export class TimestampError extends DomainError {
  readonly reason: TimestampErrorReason;
  constructor(reason: TimestampErrorReason, message: string) {
    super('VALIDATION', message, [{ path: 'withoutTimestamp', message: 'Horodatage impossible.' }]);
    this.name = 'TimestampError';
    this.reason = reason;
  }
}

/** Sends a DER time-stamp query, resolves with the DER answer. */
export type TsaTransport = (query: Uint8Array) => Promise<Uint8Array>;

export const TSA_TIMEOUT_MS = 15_000;
/** A token with a chain of a few certificates is a few KB; anything this big is not a time-stamp reply. */
const MAX_REPLY_BYTES = 256 * 1024;
export const TSA_URL_MAX = 500;

/** The configured address, checked: http(s), a host, no user or password. Throws {@link TimestampError} `BAD_URL`. */
export function parseTsaUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new TimestampError('BAD_URL', `« ${raw} » n'est pas une adresse d'autorité d'horodatage valide (exemple : http://horodatage.interne.gouv.fr/tsa).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TimestampError('BAD_URL', "L'adresse de l'autorité d'horodatage doit commencer par http:// ou https://.");
  }
  if (!url.hostname) throw new TimestampError('BAD_URL', "L'adresse de l'autorité d'horodatage n'indique aucun serveur.");
  if (url.username || url.password) {
    throw new TimestampError('BAD_URL', "L'adresse de l'autorité d'horodatage ne doit contenir ni identifiant ni mot de passe.");
  }
  if (raw.length > TSA_URL_MAX) throw new TimestampError('BAD_URL', "L'adresse de l'autorité d'horodatage est trop longue.");
  return url;
}

const SECONDS = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** « horodatage.interne.gouv.fr » for the messages. */
const where = (url: URL): string => url.host;

/** A transport to `rawUrl` over node:http / node:https. */
export function httpTransport(rawUrl: string, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal | undefined } = {}): TsaTransport {
  const url = parseTsaUrl(rawUrl);
  const timeoutMs = options.timeoutMs ?? TSA_TIMEOUT_MS;
  const client = url.protocol === 'https:' ? https : http;
  return (query) =>
    new Promise<Uint8Array>((resolve, reject) => {
      let settled = false;
      const finish = (error: DomainError | null, body?: Uint8Array): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', cancel);
        if (error) {
          request.destroy();
          reject(error);
        } else resolve(body!);
      };
      const request = client.request(
        url,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/timestamp-query',
            Accept: 'application/timestamp-reply',
            'Content-Length': query.length,
          },
          // No connection reuse: one query, one connection, closed after.
          agent: false,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status >= 300 && status < 400) {
            response.resume();
            finish(
              new TimestampError(
                'HTTP',
                `L'autorité d'horodatage (${where(url)}) renvoie vers une autre adresse (${response.headers.location ?? '?'}) : elle n'est pas suivie. Indiquez l'adresse exacte dans les paramètres.`,
              ),
            );
            return;
          }
          if (status !== 200) {
            response.resume();
            finish(new TimestampError('HTTP', `L'autorité d'horodatage (${where(url)}) a refusé la demande (erreur HTTP ${status}).`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_REPLY_BYTES) {
              finish(new TimestampError('BAD_RESPONSE', `La réponse de l'autorité d'horodatage (${where(url)}) est trop volumineuse pour être un jeton d'horodatage.`));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => finish(null, new Uint8Array(Buffer.concat(chunks))));
          response.on('error', (error) => finish(unreachable(url, error)));
        },
      );
      const timer = setTimeout(
        () => finish(new TimestampError('TIMEOUT', `L'autorité d'horodatage (${where(url)}) n'a pas répondu dans le délai de ${SECONDS.format(timeoutMs / 1000)} s.`)),
        timeoutMs,
      );
      request.on('error', (error) => finish(unreachable(url, error)));
      // The user cancelled the report while the authority was answering: nothing was written yet.
      const cancel = (): void => finish(cancelledError());
      if (options.signal?.aborted) return cancel();
      options.signal?.addEventListener('abort', cancel, { once: true });
      request.end(Buffer.from(query));
    });
}

function unreachable(url: URL, error: Error): TimestampError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ECONNREFUSED'
      ? 'connexion refusée'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'serveur introuvable'
        : code === 'ECONNRESET'
          ? 'connexion interrompue'
          : code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
            ? 'serveur injoignable'
            : (code ?? error.message);
  return new TimestampError('UNREACHABLE', `L'autorité d'horodatage (${where(url)}) est injoignable (${why}).`);
}
