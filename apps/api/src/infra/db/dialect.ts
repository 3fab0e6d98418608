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
