import { readSaved, writeSaved } from '../lib/saved.ts';

const key = (conversationId: number) => `draft:${conversationId}`;

/** What the user had written in a conversation and not sent: kept across switching conversations and reloads. */
export function loadDraft(userId: number, conversationId: number): string {
  const saved = readSaved(userId, key(conversationId));
  return typeof saved === 'string' ? saved : '';
}

/** An empty draft is forgotten. */
export const saveDraft = (userId: number, conversationId: number, text: string) =>
  writeSaved(userId, key(conversationId), text === '' ? undefined : text);
