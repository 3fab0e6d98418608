import type { TwoFactorSetup, TwoFactorStatus } from '@chat/protocol';
import { AppError } from '../../http/errors.ts';
import type { Db } from '../../infra/db/database.ts';
import type { UserRow } from '../../users/users-repository.ts';
import { passwordMatches } from '../secrets.ts';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.ts';
import {
  advanceTimeStep,
  countUnusedRecoveryCodes,
  deleteTwoFactor,
  findTwoFactor,
  markEnabled,
  replaceRecoveryCodes,
  savePendingSecret,
  useRecoveryCode,
} from './repository.ts';
import type { SecretBox } from './secret-box.ts';
import { acceptedTimeStep, isTotpShaped, newTotpSecret, otpauthUrl } from './totp.ts';

export interface TwoFactorContext {
  db: Db;
  box: SecretBox;
  /** The name authenticator apps show beside the account: the host of PUBLIC_URL. */
  issuer: string;
}

/** A wrong code and a code already used answer alike: which it was would help a guesser. */
export const wrongCode = () => new AppError(400, 'code_invalid', 'That code is not right, or it was already used.');
const notEnabled = () => new AppError(409, 'two_factor_not_enabled', 'Two-factor authentication is off.');

/** Settings that weaken or take over an account ask for the password again, so a borrowed session is not enough. */
export async function requirePassword(user: UserRow, password: string): Promise<void> {
  if (!(await passwordMatches(password, user.password_hash)))
    throw new AppError(400, 'invalid_credentials', 'That password is not right.');
}

export async function twoFactorStatus(context: TwoFactorContext, userId: number): Promise<TwoFactorStatus> {
  const row = await findTwoFactor(context.db, userId);
  if (row?.enabled_at == null) return { enabled: false, recoveryCodesLeft: 0 };
  return { enabled: true, recoveryCodesLeft: await countUnusedRecoveryCodes(context.db, userId) };
}

/** A fresh secret, shown this once; two-factor is on only after `confirmSetup` sees a code of it. */
export async function beginSetup(context: TwoFactorContext, user: UserRow, password: string): Promise<TwoFactorSetup> {
  await requirePassword(user, password);
  if ((await findTwoFactor(context.db, user.id))?.enabled_at != null)
    throw new AppError(409, 'two_factor_already_enabled', 'Two-factor authentication is already on.');
  const secret = newTotpSecret();
  await savePendingSecret(context.db, user.id, context.box.seal(secret), Date.now());
  return { secret, otpauthUrl: otpauthUrl(context.issuer, user.username, secret) };
}

/** Turns two-factor on with the first right code and answers the recovery codes, shown this once. */
export async function confirmSetup(context: TwoFactorContext, userId: number, code: string): Promise<string[]> {
  const row = await findTwoFactor(context.db, userId);
  if (!row) throw new AppError(409, 'two_factor_not_enabled', 'Start the setup first.');
  if (row.enabled_at !== null)
    throw new AppError(409, 'two_factor_already_enabled', 'Two-factor authentication is already on.');
  const now = Date.now();
  const timeStep = await acceptedTimeStep(context.box.open(row.secret), code, null, now);
  if (timeStep === undefined) throw wrongCode();
  const codes = newRecoveryCodes();
  const enabled = await context.db.transaction().execute(async (trx) => {
    if (!(await markEnabled(trx, userId, timeStep, now))) return false;
    await replaceRecoveryCodes(trx, userId, codes.map(recoveryCodeHash), now);
    return true;
  });
  if (!enabled) throw new AppError(409, 'two_factor_already_enabled', 'Two-factor authentication is already on.');
  return codes;
}

/**
 * True when `code` is the account's current TOTP code, not used before, or one of its unused
 * recovery codes; either is used up by the check.
 */
export async function takeSecondFactor(context: TwoFactorContext, userId: number, code: string): Promise<boolean> {
  const row = await findTwoFactor(context.db, userId);
  if (row?.enabled_at == null) return false;
  const now = Date.now();
  if (isTotpShaped(code)) {
    const timeStep = await acceptedTimeStep(context.box.open(row.secret), code, row.last_time_step, now);
    return timeStep !== undefined && (await advanceTimeStep(context.db, userId, timeStep));
  }
  return useRecoveryCode(context.db, userId, recoveryCodeHash(code), now);
}

/** Both factors: the password and a code, so neither a borrowed session nor a stolen phone alone turns it off. */
export async function disableTwoFactor(
  context: TwoFactorContext,
  user: UserRow,
  input: { password: string; code: string },
): Promise<void> {
  await requirePassword(user, input.password);
  if ((await findTwoFactor(context.db, user.id))?.enabled_at == null) throw notEnabled();
  if (!(await takeSecondFactor(context, user.id, input.code))) throw wrongCode();
  await context.db.transaction().execute((trx) => deleteTwoFactor(trx, user.id));
}

/** New recovery codes for a code: the old ones, used or not, stop working. */
export async function regenerateRecoveryCodes(
  context: TwoFactorContext,
  userId: number,
  code: string,
): Promise<string[]> {
  if ((await findTwoFactor(context.db, userId))?.enabled_at == null) throw notEnabled();
  if (!(await takeSecondFactor(context, userId, code))) throw wrongCode();
  const codes = newRecoveryCodes();
  await context.db
    .transaction()
    .execute((trx) => replaceRecoveryCodes(trx, userId, codes.map(recoveryCodeHash), Date.now()));
  return codes;
}
