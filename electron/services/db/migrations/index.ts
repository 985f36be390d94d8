import type { Migration } from '../migrate';
import { m001 } from './001-settings-qrr-audit';
import { m002 } from './002-referential-periods-values';
import { m003 } from './003-reports';
import { m004 } from './004-fipd';
import { m005 } from './005-exchange-uids';
import { m006 } from './006-results';

/** Every schema step, in order. Append only: a released step is never edited. */
export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
