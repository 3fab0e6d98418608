import type { Db } from '../infra/db/database.ts';
import { hashSecret, newSecret } from './secrets.ts';

/**
 * Mailed links, and the sign-in challenge between a right password and its second factor;
 * `email_change` confirms the address in the user's `pending_email`.
 */
export type TokenPurpose = 'verify' | 'reset' | 'two_factor' | 'email_change';

/** How long each kind of token works. */
export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  verify: 24 * 60 * 60 * 1000,
  reset: 60 * 60 * 1000,
  // Long enough to find the phone and open the app, short enough that a stolen one is soon useless.
  two_factor: 5 * 60 * 1000,
  email_change: 24 * 60 * 60 * 1000,
};

export type ConsumeResult =
  | { ok: true; userId: number }
  | { ok: false; code: 'token_invalid' | 'token_expired' | 'token_used' };

export async function issueToken(db: Db, userId: number, purpose: TokenPurpose, now: number): Promise<string> {
  const { token, hash } = newSecret();
  await db
    .insertInto('tokens')
    .values({ hash, user_id: userId, purpose, created_at: now, expires_at: now + TOKEN_TTL_MS[purpose] })
    .execute();
  return token;
}

/** Whether a token would be accepted now, without using it up. */
export async function checkToken(db: Db, token: string, purpose: TokenPurpose, now: number): Promise<ConsumeResult> {
  const row = await db
    .selectFrom('tokens')
    .select(['user_id', 'expires_at', 'used_at'])
    .where('hash', '=', hashSecret(token))
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!row) return { ok: false, code: 'token_invalid' };
  if (row.used_at !== null) return { ok: false, code: 'token_used' };
  if (row.expires_at <= now) return { ok: false, code: 'token_expired' };
  return { ok: true, userId: row.user_id };
}

/** Uses a token up. The conditional update makes it single-use even when two requests race. */
export async function consumeToken(db: Db, token: string, purpose: TokenPurpose, now: number): Promise<ConsumeResult> {
  const check = await checkToken(db, token, purpose, now);
  if (!check.ok) return check;
  const hash = hashSecret(token);
  const result = await db
    .updateTable('tokens')
    .set({ used_at: now })
    .where('hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return { ok: false, code: 'token_used' };
  return check;
}

/** Makes a user's unused links of one kind stop working (a link for a replaced request, a changed password). */
export async function revokeTokens(db: Db, userId: number, purpose: TokenPurpose): Promise<void> {
  await db
    .deleteFrom('tokens')
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}
