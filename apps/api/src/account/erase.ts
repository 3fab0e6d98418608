import type { Db } from '../infra/db/database.ts';
import { retireUsername, type UserRow } from '../users/users-repository.ts';

/**
 * Everything personal an account holds, erased in the caller's transaction: the one list of the
 * tables that keep per-user data. A feature that adds such a table adds its line here (and to
 * export.ts), and docs/privacy.md says what is kept and why.
 *
 * Kept: the users row, emptied, because messages, reactions and conversations point at its id; the
 * messages and pictures the person sent, which are part of their peers' history; their read cursors
 * in those conversations (ids and numbers only). The username is retired, not freed.
 */
export async function eraseAccount(trx: Db, user: UserRow, now: number): Promise<void> {
  const userId = user.id;
  await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  await trx.deleteFrom('tokens').where('user_id', '=', userId).execute();
  // Mail not yet sent would reach the address after it was erased; mail sent holds it too.
  await trx.deleteFrom('mail_outbox').where('to_address', '=', user.email).execute();
  await trx.deleteFrom('hidden_messages').where('user_id', '=', userId).execute();
  // Whom they blocked and who blocked them: a relation with a person who no longer exists.
  await trx
    .deleteFrom('blocks')
    .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)]))
    .execute();
  // Second factors and provider identities: a linked provider account must sign nobody in any more.
  for (const table of ['two_factor', 'recovery_codes', 'passkeys', 'auth_challenges', 'identities'] as const) {
    await trx.deleteFrom(table).where('user_id', '=', userId).execute();
  }
  // Pictures never sent in a message are seen by nobody else: they go. Sent ones stay with their message.
  await trx
    .deleteFrom('uploads')
    .where('uploader_id', '=', userId)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('messages').select('id').whereRef('messages.attachment_id', '=', 'uploads.id'))),
    )
    .execute();
  await retireUsername(trx, user.username, now);
  // ':' is in no username or address, so the placeholders collide with nothing and match no login.
  const placeholder = `deleted:${userId}`;
  await trx
    .updateTable('users')
    .set({
      username: placeholder,
      email: placeholder,
      password_hash: '',
      email_verified_at: null,
      read_receipts: 0,
      missed_mail: 0,
      last_seen_at: null,
      display_name: null,
      avatar_id: null,
      pending_email: null,
      presence_visibility: 'nobody',
      deleted_at: now,
    })
    .where('id', '=', userId)
    .execute();
}
