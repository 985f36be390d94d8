import type { Migration } from '../migrate';
import { m001 } from './001-settings-qrr-audit';
import { m002 } from './002-referential-periods-values';
import { m003 } from './003-reports';

/** Every schema step, in order. Append only: a released step is never edited. */
export const MIGRATIONS: readonly Migration[] = [m001, m002, m003];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
