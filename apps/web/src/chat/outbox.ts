import type { OutboxStorage, PendingSendRecord } from '@chat/client';
import { readSaved, writeSaved } from '../lib/saved.ts';

const KEY = 'outbox';

/** Something else (an older version of the app, a hand edit) may have written there: only records that can be sent are kept. */
const isRecord = (value: unknown): value is PendingSendRecord =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as PendingSendRecord).clientId === 'string' &&
  typeof (value as PendingSendRecord).text === 'string' &&
  typeof (value as PendingSendRecord).createdAt === 'number';

/**
 * The user's unsent messages in this browser, so that a reload (or a crash) while they wait for the
 * network sends them after all. Each write reads the list afresh: the user's other tabs share it.
 */
export function savedOutbox(userId: number): OutboxStorage {
  const load = (): PendingSendRecord[] => {
    const saved = readSaved(userId, KEY);
    return Array.isArray(saved) ? saved.filter(isRecord) : [];
  };
  const store = (records: PendingSendRecord[]) => writeSaved(userId, KEY, records.length > 0 ? records : undefined);
  return {
    load,
    save: (record) => store([...load().filter((saved) => saved.clientId !== record.clientId), record]),
    remove: (clientId) => store(load().filter((saved) => saved.clientId !== clientId)),
  };
}
