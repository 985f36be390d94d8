import type { Database } from 'better-sqlite3';

/**
 * What every service needs, injected by the composition root (Electron main,
 * the CLI or a test) so services stay plain Node and deterministic under test.
 */
export interface ServiceContext {
  readonly db: Database;
  /** Clock, injectable for reproducible tests. */
  readonly now: () => Date;
  /** Operating-system user name, recorded in the audit trail. */
  readonly osUser: string;
  /** Where changes come from, recorded in the audit trail: 'ui', 'cli', 'import:<file>'… */
  readonly origin: string;
}

export const isoNow = (ctx: Pick<ServiceContext, 'now'>): string => ctx.now().toISOString();
