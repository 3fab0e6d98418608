import { sql } from 'kysely';
import type { DatabaseHandle } from './database.ts';

/**
 * The few places where MySQL and SQLite differ in what the app sees. Queries themselves are
 * written once in Kysely; only error shapes and result quirks are translated here.
 */

/** True when an insert or update failed on a unique key (MySQL ER_DUP_ENTRY, SQLite CONSTRAINT_UNIQUE/PRIMARYKEY). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The name of the unique index an error names, where the driver tells it, to say which field clashed. */
export function violatedUniqueColumn(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  // MySQL: "Duplicate entry 'x' for key 'users.email'" ; SQLite: "UNIQUE constraint failed: users.email"
  const match = /for key '(?:\w+\.)?(\w+)'|constraint failed: \w+\.(\w+)/.exec(message);
  return match?.[1] ?? match?.[2];
}

/**
 * What the id a multi-row insert reports says about the others. SQLite reports the last one and,
 * with one writer at a time, hands ids out one after the other. MySQL reports the first, and the
 * others follow it only with innodb_autoinc_lock_mode 0 or 1 (MySQL 8 defaults to 2, interleaved)
 * and a step of 1 (a multi-primary setup steps by its number of primaries).
 */
export type MultiRowInsertIds = 'last-reported' | 'first-reported' | 'unknown';

export async function multiRowInsertIds(handle: DatabaseHandle): Promise<MultiRowInsertIds> {
  if (handle.dialect === 'sqlite') return 'last-reported';
  const { rows } = await sql<{ mode: number | string; step: number | string }>`
    select @@innodb_autoinc_lock_mode as mode, @@auto_increment_increment as step`.execute(handle.db);
  const [settings] = rows;
  return Number(settings?.mode) <= 1 && Number(settings?.step) === 1 ? 'first-reported' : 'unknown';
}

/** The ids of `count` rows inserted by one statement, when the reported one tells them. */
export function insertedIds(kind: MultiRowInsertIds, reported: number, count: number): number[] | undefined {
  if (kind === 'unknown' || !Number.isSafeInteger(reported)) return undefined;
  const first = kind === 'first-reported' ? reported : reported - count + 1;
  return Array.from({ length: count }, (_, i) => first + i);
}
