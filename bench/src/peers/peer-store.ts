// What both peers do before acking a message, the way such servers are commonly built: one
// INSERT per message into MariaDB, on a small pool, with the statement prepared by the driver.
import { createPool, type Pool } from 'mysql2/promise';

export const MESSAGES_TABLE = `CREATE TABLE IF NOT EXISTS peer_messages (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  sender VARCHAR(32) NOT NULL,
  recipient VARCHAR(32) NOT NULL,
  body TEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  KEY recipient_created (recipient, created_at)
)`;

export function peerPool(databaseUrl: string): Pool {
  return createPool({ uri: databaseUrl, connectionLimit: 10 });
}

export async function storeMessage(pool: Pool, sender: string, recipient: string, body: string): Promise<void> {
  await pool.execute('INSERT INTO peer_messages (sender, recipient, body, created_at) VALUES (?, ?, ?, NOW(3))', [
    sender,
    recipient,
    body,
  ]);
}

/** Arguments every peer node takes: port, database URL, Redis URL, channel prefix. */
export function peerArgs(): { port: number; databaseUrl: string; redisUrl: string; prefix: string } {
  const [port, databaseUrl, redisUrl, prefix] = process.argv.slice(2);
  if (!port || !databaseUrl || !redisUrl || !prefix) {
    console.error('usage: PORT DATABASE_URL REDIS_URL PREFIX');
    process.exit(2);
  }
  return { port: Number(port), databaseUrl, redisUrl, prefix };
}
