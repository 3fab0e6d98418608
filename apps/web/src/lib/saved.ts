/**
 * What this browser keeps for a signed-in user between visits (unsent messages, drafts), under
 * keys that carry the user's id: someone else signing in on the same browser never reads it, and
 * signing out forgets it. Storage that is full or forbidden (private windows) loses only that:
 * the chat works on without it.
 */
const userPrefix = (userId: number) => `chat:user:${userId}:`;

export function readSaved(userId: number, key: string): unknown {
  try {
    const raw = localStorage.getItem(userPrefix(userId) + key);
    return raw === null ? undefined : JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Keeps a value; undefined removes it. */
export function writeSaved(userId: number, key: string, value: unknown): void {
  try {
    if (value === undefined) localStorage.removeItem(userPrefix(userId) + key);
    else localStorage.setItem(userPrefix(userId) + key, JSON.stringify(value));
  } catch {
    // Full or forbidden: what it was to keep lives on in memory only.
  }
}

/** Signing out: nothing of this user stays in the browser. */
export function forgetUser(userId: number): void {
  try {
    const prefix = userPrefix(userId);
    const keys = Array.from({ length: localStorage.length }, (_, index) => localStorage.key(index));
    for (const key of keys) if (key?.startsWith(prefix)) localStorage.removeItem(key);
  } catch {
    // Forbidden storage kept nothing.
  }
}
