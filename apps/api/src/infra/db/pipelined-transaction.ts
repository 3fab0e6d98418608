import { CompiledQuery, type Kysely } from 'kysely';
import type { Pool, PoolConnection, ResultSetHeader } from 'mysql2';
import type { Database } from './schema.ts';

/** One SQL text (from `statement-text.ts`) and its parameters. */
export type Statement = readonly [text: string, parameters: readonly unknown[]];

/** What a statement gave back: its rows (a read), or the id and count of a write. */
export interface StatementResult<Row = Record<string, unknown>> {
  rows: Row[];
  insertId: number;
  affectedRows: number;
}

/** The statements of one transaction, sent a group at a time. */
export interface Pipeline {
  /** Runs `statements` in order and answers each one's result, in order. */
  run(statements: readonly Statement[]): Promise<StatementResult[]>;
  /** The same, then commits: on MySQL the commit travels with them. */
  commitWith(statements: readonly Statement[]): Promise<StatementResult[]>;
}

/**
 * Runs `work` in one transaction whose statements go a group per round trip. `work` must end by
 * calling `commitWith`; anything it throws rolls the transaction back.
 */
export type PipelinedTransaction = <T>(work: (pipeline: Pipeline) => Promise<T>) => Promise<T>;

/**
 * MySQL: each group is one multi-statement query on a connection of `pool` (opened with
 * `multipleStatements`, and used for nothing else), the `begin` with the first group and the
 * `commit` with the last. A transaction of seven statements costs three round trips instead of
 * seven: each round trip wakes the database's thread and ours, and on a busy machine that wait,
 * not the statements, was most of a send batch's time. MySQL stops at the first statement that
 * fails, so a failed group never reaches its `commit`.
 */
export function mysqlPipelinedTransaction(pool: Pool): PipelinedTransaction {
  return async (work) => {
    const connection = await new Promise<PoolConnection>((resolve, reject) =>
      pool.getConnection((error, got) => (error ? reject(error) : resolve(got))),
    );
    let begun = false;
    let committed = false;
    const send = async (statements: readonly Statement[], commit: boolean) => {
      const texts = statements.map(([text]) => text);
      const prefix = begun ? 0 : 1;
      if (!begun) texts.unshift('begin');
      if (commit) texts.push('commit');
      begun = true;
      const results = await multiQuery(
        connection,
        texts,
        statements.flatMap(([, parameters]) => parameters),
      );
      if (commit) committed = true;
      return results.slice(prefix, prefix + statements.length);
    };
    try {
      const result = await work({ run: (s) => send(s, false), commitWith: (s) => send(s, true) });
      if (!committed) throw new Error('a pipelined transaction must end with commitWith');
      connection.release();
      return result;
    } catch (error) {
      await rollBack(connection, begun && !committed);
      throw error;
    }
  };
}

/** Releases a connection after a failure, or drops it when it cannot even roll back. */
async function rollBack(connection: PoolConnection, open: boolean): Promise<void> {
  try {
    if (open) await multiQuery(connection, ['rollback'], []);
    connection.release();
  } catch {
    connection.destroy();
  }
}

function multiQuery(connection: PoolConnection, texts: string[], parameters: unknown[]): Promise<StatementResult[]> {
  return new Promise((resolve, reject) => {
    connection.query(texts.join(';\n'), parameters, (error, result) => {
      if (error) return reject(error);
      // One statement answers its result; several answer an array of them.
      const results = texts.length > 1 ? (result as unknown[]) : [result];
      resolve(results.map(toStatementResult));
    });
  });
}

function toStatementResult(result: unknown): StatementResult {
  if (Array.isArray(result)) return { rows: result as Record<string, unknown>[], insertId: 0, affectedRows: 0 };
  const header = result as ResultSetHeader;
  return { rows: [], insertId: Number(header.insertId ?? 0), affectedRows: Number(header.affectedRows ?? 0) };
}

/**
 * SQLite: an ordinary Kysely transaction, one statement after the other; the database is in the
 * process, so a round trip costs nothing to save.
 */
export function sqlitePipelinedTransaction(db: Kysely<Database>): PipelinedTransaction {
  return (work) =>
    db.transaction().execute(async (trx) => {
      const run = async (statements: readonly Statement[]) => {
        const results: StatementResult[] = [];
        for (const [text, parameters] of statements) {
          const result = await trx.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [...parameters]));
          results.push({
            rows: [...result.rows],
            insertId: Number(result.insertId ?? 0),
            affectedRows: Number(result.numAffectedRows ?? 0),
          });
        }
        return results;
      };
      return work({ run, commitWith: run });
    });
}
