import { CompiledQuery } from 'kysely';
import type { Db } from './database.ts';

/**
 * SQL for the hot paths, written as text once per shape (how many rows, conversations, senders)
 * and kept, so that a statement costs the driver's parameter binding and no query builder. Texts
 * written this way must read the same on MySQL and SQLite: `?` placeholders, no quoted identifiers.
 */

/** Shapes kept at most, per statement: a send batch has at most 64 of anything (twice that in members). */
const MAX_SHAPES = 4096;

/** `write`, remembered by the counts it is given. */
export function textPerShape(write: (...counts: number[]) => string): (...counts: number[]) => string {
  const texts = new Map<string, string>();
  return (...counts) => {
    const key = counts.join(',');
    let text = texts.get(key);
    if (text === undefined) {
      text = write(...counts);
      if (texts.size < MAX_SHAPES) texts.set(key, text);
    }
    return text;
  };
}

export const repeat = (count: number, item: string, separator: string) =>
  Array.from({ length: count }, () => item).join(separator);

/** `count` placeholders (or `item`s), comma-separated. */
export const list = (count: number, item = '?') => repeat(count, item, ', ');

/** Runs a text written by `textPerShape`, inside whatever transaction `db` is. */
export function runText<Row>(db: Db, text: string, parameters: readonly unknown[]) {
  return db.executeQuery<Row>(CompiledQuery.raw(text, [...parameters]));
}
