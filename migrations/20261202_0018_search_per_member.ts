import type { Kysely } from 'kysely';

/**
 * Search tokens now carry the member they are for and the span of ids the message falls in
 * (`u17s15xwhello` instead of `xwhello` beside `vu17` and `cv42`: see
 * apps/api/src/chat/search-index/tokens.ts). The index is emptied, both ways: the server that
 * starts next indexes every message again, newest first, in the format it searches by
 * (chat/search-index/backfill.ts); until it has, older messages are not yet found.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('message_search').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('message_search').execute();
}
