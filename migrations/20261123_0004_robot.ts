import type { Kysely } from 'kysely';

/**
 * The robot's account: verified, flagged as a bot, and with a password hash no password matches
 * ('*' is not a bcrypt hash), so nobody can sign in as it; it gets its sessions from the server.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const now = Date.now();
  await db
    .insertInto('users')
    .values({
      username: 'robot',
      email: 'robot@robot.invalid',
      password_hash: '*',
      email_verified_at: now,
      read_receipts: 1,
      is_bot: 1,
      created_at: now,
    })
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('users').where('username', '=', 'robot').where('is_bot', '=', 1).execute();
}
