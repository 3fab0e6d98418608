import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from './process.ts';

const run = promisify(execFile);

/** Crash recovery replays the redo log; on a busy machine that takes a few seconds. */
const READY_TIMEOUT_MS = 30_000;

export interface PrivateMariadb {
  /** mysql://root@127.0.0.1:PORT/chat, a database created at start. */
  url: string;
  port: number;
  /** SIGKILL by PID: no shutdown, no flush beyond what InnoDB already made durable. */
  kill(): Promise<void>;
  /** Starts again on the same data directory, so InnoDB recovers from its redo log. */
  start(): Promise<void>;
  /** Kills it and removes the data directory. */
  stop(): Promise<void>;
}

async function uidOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function waitForSql(port: number, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`mariadbd exited (${server.exitCode}):\n${log()}`);
    try {
      const connection = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
      await connection.end();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`mariadbd did not accept connections in time:\n${log()}`);
}

/**
 * A mariadbd of the test's own, on a data directory of its own and a free loopback port, so that a
 * test can kill -9 the database and start it again without touching the shared one. Durable as in
 * production (`innodb_flush_log_at_trx_commit=1`), so what a commit acknowledged survives the kill.
 */
export async function startPrivateMariadb(): Promise<PrivateMariadb> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-mariadb-'));
  const mysql = await uidOf('mysql');
  chownSync(dataDir, mysql.uid, mysql.gid);
  // mariadbd wants its run directory even with the socket elsewhere.
  mkdirSync('/run/mysqld', { recursive: true });
  chownSync('/run/mysqld', mysql.uid, mysql.gid);
  await run('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${dataDir}`,
    '--user=mysql',
    '--skip-test-db',
    '--auth-root-authentication-method=normal',
  ]);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';

  const start = async () => {
    log = '';
    child = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${path.join(dataDir, 'sock')}`,
        `--pid-file=${path.join(dataDir, 'pid')}`,
        '--user=mysql',
        '--skip-grant-tables',
        '--skip-name-resolve',
        '--innodb-buffer-pool-size=64M',
        '--innodb-log-file-size=48M',
        '--innodb-flush-log-at-trx-commit=1',
        '--innodb-autoinc-lock-mode=1',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (chunk) => (log += chunk));
    await waitForSql(port, child, () => log);
  };

  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  const stop = async () => {
    await kill();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await start();
    const admin = await createConnection({ host: '127.0.0.1', port, user: 'root' });
    await admin.query('CREATE DATABASE chat CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    await admin.end();
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `mysql://root@127.0.0.1:${port}/chat`, port, kill, start, stop };
}
