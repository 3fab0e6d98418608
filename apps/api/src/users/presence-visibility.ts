import type { Presence, PresenceVisibility } from '@chat/protocol';

/** What decides whether one user may see another's presence. */
export interface PresenceAudience {
  visibility: PresenceVisibility;
  /** The viewer is the user themselves. */
  isSelf: boolean;
  /** The viewer and the user have a conversation (whether or not either hid it from their list). */
  sharesConversation: boolean;
}

export function maySeePresence({ visibility, isSelf, sharesConversation }: PresenceAudience): boolean {
  if (isSelf || visibility === 'everyone') return true;
  return visibility === 'conversations' && sharesConversation;
}

/**
 * What someone who may not see a user's presence is shown: offline, never seen. Its version is the
 * one from when the user changed who sees it, not the live one, which grows with every connect and
 * so would tell when they were active.
 */
export const hiddenPresence = (hiddenVersion: number): Presence => ({
  online: false,
  lastSeenAt: null,
  version: hiddenVersion,
});

/** A stored visibility, read defensively: anything unknown counts as the most private. */
export function toVisibility(stored: string): PresenceVisibility {
  return stored === 'everyone' || stored === 'conversations' ? stored : 'nobody';
}
