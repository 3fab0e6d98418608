import { type Kysely, MysqlAdapter, sql } from 'kysely';

/**
 * Full-text search over messages. `message_search` holds, per message that can be found, the
 * tokens the app made of it (its conversation, its members, then its words and CJK bigrams:
 * see apps/api/src/chat/search-index/tokens.ts), written in the same transaction as the message and rewritten
 * or removed by an edit or a delete for everyone; it is the same plain table on both databases, so
 * every write is the same statement. What indexes it differs:
 *   - MySQL/MariaDB: a FULLTEXT index with the built-in parser (MariaDB has no ngram parser; the
 *     app's tokens make one unnecessary). A binary collation, so that no collation takes two kana
 *     or two ideographs for equal.
 *   - SQLite: an FTS5 index over the table (external content), kept in step by triggers.
 * Messages stored before this migration are indexed by the server after it starts (chat/search-index/backfill.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  await db.schema
    .createTable('message_search')
    .addColumn('message_id', 'integer', (c) => c.primaryKey().references('messages.id').onDelete('cascade'))
    .addColumn('tokens', mysql ? sql`text character set utf8mb4 collate utf8mb4_bin` : 'text', (c) => c.notNull())
    .execute();
  if (mysql) {
    await sql`create fulltext index message_search_tokens on message_search (tokens)`.execute(db);
    return;
  }
  await sql`create virtual table message_search_fts using fts5(
    tokens, content = 'message_search', content_rowid = 'message_id', tokenize = 'unicode61 remove_diacritics 0'
  )`.execute(db);
  await sql`create trigger message_search_added after insert on message_search begin
    insert into message_search_fts (rowid, tokens) values (new.message_id, new.tokens);
  end`.execute(db);
  await sql`create trigger message_search_removed after delete on message_search begin
    insert into message_search_fts (message_search_fts, rowid, tokens) values ('delete', old.message_id, old.tokens);
  end`.execute(db);
  await sql`create trigger message_search_changed after update on message_search begin
    insert into message_search_fts (message_search_fts, rowid, tokens) values ('delete', old.message_id, old.tokens);
    insert into message_search_fts (rowid, tokens) values (new.message_id, new.tokens);
  end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists message_search_fts`.execute(db);
  await db.schema.dropTable('message_search').execute();
}
