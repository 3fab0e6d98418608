import type { LinkedIdentitiesResponse } from '@chat/protocol';
import { AppError } from '../../http/errors.ts';
import type { Db } from '../../infra/db/database.ts';
import type { UserRow } from '../../users/users-repository.ts';
import { NO_PASSWORD } from '../secrets.ts';
import { deleteIdentity, listIdentities } from './identities-repository.ts';

const hasPassword = (user: UserRow) => user.password_hash !== NO_PASSWORD;

/** What the settings screen lists: the user's linked providers, and whether a password is a way in too. */
export async function linkedIdentities(
  db: Db,
  user: UserRow,
  labelOf: (providerId: string) => string,
): Promise<LinkedIdentitiesResponse> {
  const rows = await listIdentities(db, user.id);
  return {
    identities: rows.map((row) => ({
      provider: { id: row.provider, label: labelOf(row.provider) },
      linkedAt: row.created_at,
    })),
    hasPassword: hasPassword(user),
  };
}

/**
 * Unlinks a provider, unless it is the account's last way in. The user's row is locked first (a
 * no-op UPDATE, on both databases), so two unlinks at once cannot both pass the check.
 */
export async function unlinkIdentity(db: Db, user: UserRow, provider: string, label: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set((eb) => ({ id: eb.ref('id') }))
      .where('id', '=', user.id)
      .execute();
    await deleteIdentity(trx, user.id, provider);
    const left = await listIdentities(trx, user.id);
    if (left.length === 0 && !hasPassword(user)) {
      throw new AppError(
        409,
        'oidc_last_sign_in_method',
        `${label} is how you sign in: your account has no password. Set one first (with "Forgot your password?" on the sign-in page), then unlink it.`,
      );
    }
  });
}
