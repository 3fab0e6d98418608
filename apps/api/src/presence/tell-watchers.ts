import type { Db } from '../infra/db/database.ts';
import { hiddenPresence, maySeePresence } from '../users/presence-visibility.ts';
import { findConversationPeersAmong } from '../users/users-repository.ts';
import type { PresenceMessage } from './broadcast.ts';
import type { Watchers } from './watchers.ts';

type Change = Extract<PresenceMessage, { kind: 'change' }>;

/**
 * Sends a presence change to this node's watchers of the user, each as they may see it: the state
 * itself to those allowed, and to the others nothing (an event at each connect would tell them
 * when the user is active), or the hidden state once, when the user changed who sees it.
 */
export async function tellWatchers(db: Db, watchers: Watchers, change: Change): Promise<void> {
  const watching = [...watchers.watchersOf(change.userId)];
  if (watching.length === 0) return;
  const { visibility, hiddenVersion } = change.audience;
  const peers =
    visibility === 'conversations'
      ? await findConversationPeersAmong(db, change.userId, [...new Set(watching.map((c) => c.userId))])
      : new Set<number>();
  const frame = (presence: Change['presence']) => JSON.stringify({ type: 'presence', userId: change.userId, presence });
  const shown = frame(change.presence);
  const hidden = change.audienceChanged ? frame(hiddenPresence(hiddenVersion)) : undefined;
  for (const connection of watching) {
    const maySee = maySeePresence({ visibility, isSelf: false, sharesConversation: peers.has(connection.userId) });
    const text = maySee ? shown : hidden;
    if (text) connection.sendText(text);
  }
}
