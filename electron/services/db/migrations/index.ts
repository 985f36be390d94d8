import type { Migration } from '../migrate';
import { m001 } from './001-settings-qrr-audit';

/** Every schema step, in order. Append only: a released step is never edited. */
export const MIGRATIONS: readonly Migration[] = [m001];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
