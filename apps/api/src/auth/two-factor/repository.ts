import type { Db } from '../../infra/db/database.ts';

/** The one module that reads and writes `two_factor` and `recovery_codes`. */

export const findTwoFactor = (db: Db, userId: number) =>
  db.selectFrom('two_factor').selectAll().where('user_id', '=', userId).executeTakeFirst();

export async function isTwoFactorEnabled(db: Db, userId: number): Promise<boolean> {
  const row = await findTwoFactor(db, userId);
  return row?.enabled_at != null;
}

/** A new secret waiting for its first code; replaces an earlier setup that was never confirmed. */
export async function savePendingSecret(db: Db, userId: number, sealedSecret: string, now: number): Promise<void> {
  await db.deleteFrom('two_factor').where('user_id', '=', userId).where('enabled_at', 'is', null).execute();
  await db
    .insertInto('two_factor')
    .values({ user_id: userId, secret: sealedSecret, last_time_step: null, enabled_at: null, created_at: now })
    .execute();
}

export async function markEnabled(db: Db, userId: number, timeStep: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('two_factor')
    .set({ enabled_at: now, last_time_step: timeStep })
    .where('user_id', '=', userId)
    .where('enabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Moves the last used time step forward, only forward: of two requests with the same code, racing
 * on two nodes, exactly one moves it and is accepted.
 */
export async function advanceTimeStep(db: Db, userId: number, timeStep: number): Promise<boolean> {
  const result = await db
    .updateTable('two_factor')
    .set({ last_time_step: timeStep })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_time_step', 'is', null), eb('last_time_step', '<', timeStep)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteTwoFactor(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db.deleteFrom('two_factor').where('user_id', '=', userId).execute();
}

export async function replaceRecoveryCodes(db: Db, userId: number, hashes: string[], now: number): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('recovery_codes')
    .values(hashes.map((code_hash) => ({ code_hash, user_id: userId, used_at: null, created_at: now })))
    .execute();
}

/** Uses a recovery code up; the conditional update makes it single-use even when two requests race. */
export async function useRecoveryCode(db: Db, userId: number, codeHash: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('code_hash', '=', codeHash)
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
