/**
 * The time-stamp authority (TSA) of the département's signatures: an optional
 * RFC 3161 URL (an internal TSA), kept in `horodatage.json` beside the
 * database — like the trusted roots folder, so IT can also deploy it — and
 * every change recorded in the audit trail.
 *
 * When set, every report signature is time-stamped (PAdES B-T); the
 * application contacts that host and no other (report/tsa-client.ts).
 *
 * Plain Node, never imports electron.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TimestampSettings, TsaTestResult } from '../../shared/domain/timestamp';
import { DomainError } from '../../shared/ipc/result';
import { recordAudit } from './audit';
import type { ServiceContext } from './context';
import { writeTransaction } from './db/query';
import { requestTimestampToken } from './report/timestamp';
import { certificatesFromPem } from './report/signature-cms';
import { describeTimestamp, inspectTimestampToken } from './report/timestamp-verify';
import { httpTransport, parseTsaUrl } from './report/tsa-client';
import { writeFileAtomic } from './atomic-write';

export const TSA_SETTINGS_FILE = 'horodatage.json';

export function createTsaSettings(dataDir: string) {
  const file = path.join(dataDir, TSA_SETTINGS_FILE);

  const get = (): TimestampSettings => {
    if (!fs.existsSync(file)) return { tsaUrl: null };
    try {
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { tsaUrl?: unknown };
      return { tsaUrl: typeof raw.tsaUrl === 'string' && raw.tsaUrl.trim() !== '' ? raw.tsaUrl.trim() : null };
    } catch {
      throw new DomainError('VALIDATION', `Le fichier « ${file} » (autorité d'horodatage) est illisible : corrigez-le ou supprimez-le.`);
    }
  };

  return {
    get,
    /** Sets (or, with null, removes) the TSA address. */
    save(ctx: ServiceContext, tsaUrl: string | null): TimestampSettings {
      const next = tsaUrl && tsaUrl.trim() !== '' ? parseTsaUrl(tsaUrl).href : null;
      const before = get().tsaUrl;
      if (before === next) return { tsaUrl: next };
      writeTransaction(ctx, () => {
        recordAudit(ctx, [{ entity: 'settings', entityId: 'horodatage', action: 'update', field: 'tsaUrl', oldValue: before, newValue: next }]);
        // Written inside the transaction: a failed write rolls the audit entry back.
        writeFileAtomic(file, `${JSON.stringify({ tsaUrl: next }, null, 2)}\n`);
      });
      return { tsaUrl: next };
    },
  };
}

export type TsaSettings = ReturnType<typeof createTsaSettings>;

/**
 * « Tester »: asks the TSA at `url` for a token over a throw-away value and
 * says, in French, what happened: the certified time, the TSA's name, whether
 * its certificate chains to a trusted root. A TSA that cannot answer throws
 * its {@link TimestampError} (its message is the answer).
 */
export async function testTsa(url: string, trustedRootsPem: readonly string[], options: { readonly timeoutMs?: number } = {}): Promise<TsaTestResult> {
  const probe = new Uint8Array(Buffer.from(`test d'horodatage ${new Date().toISOString()}`, 'utf8'));
  const token = await requestTimestampToken(probe, httpTransport(url, options));
  const checked = await inspectTimestampToken(token, probe, certificatesFromPem(trustedRootsPem).roots);
  const message = checked.trusted
    ? `L'autorité d'horodatage a répondu : heure certifiée ${describeTimestamp(checked)}. Son certificat remonte à une autorité de confiance.`
    : `L'autorité d'horodatage a répondu (heure certifiée ${describeTimestamp(checked)}), mais son certificat n'est pas reconnu : ${checked.problems.join(' ')}`;
  return { time: checked.time, tsa: checked.tsa, trusted: checked.trusted, message };
}
