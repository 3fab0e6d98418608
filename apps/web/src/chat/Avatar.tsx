import type { Presence, UserProfile } from '@chat/protocol';
import type { CSSProperties } from 'react';
import { timeAgo } from '../lib/time.ts';
import { useNow } from '../lib/use-now.ts';
import { avatarUrl, useProfile } from './profiles.ts';
import { useChat } from './store.ts';

/**
 * The freshest presence of a user: pushed by the server once watched, else what a list said; null
 * while our own connection is down, when the last state known may no longer be true.
 */
export function usePresence(userId: number, fallback: Presence): Presence | null {
  const known = useChat((state) => state.presence[userId]) ?? fallback;
  const connected = useChat((state) => state.connection.state === 'open');
  return connected ? known : null;
}

/**
 * A user's picture (or initial) in a circle, with their presence dot: green online, grey offline
 * (saying since when), hollow while we cannot know.
 */
export function Avatar({ user, presence }: { user: UserProfile; presence: Presence }) {
  const shown = usePresence(user.id, presence);
  const now = useNow();
  const label = dotLabel(shown, now);
  const state = shown === null ? 'unknown' : shown.online ? 'online' : 'offline';
  return (
    <span className="avatar">
      <ProfilePicture user={user} />
      <span className={`presence-dot ${state}`} role="img" aria-label={label} title={label} />
    </span>
  );
}

function dotLabel(presence: Presence | null, now: number): string {
  if (presence === null) return 'Presence unknown while connecting';
  if (presence.online) return 'Online';
  return presence.lastSeenAt === null ? 'Offline' : `Offline, last seen ${timeAgo(presence.lastSeenAt, now)}`;
}

/** The picture alone; decorative, since the name is always written next to it. */
export function ProfilePicture({ user }: { user: UserProfile }) {
  const { username, displayName, avatarId } = useProfile(user);
  if (avatarId) return <img className="avatar-picture" src={avatarUrl(avatarId)} alt="" />;
  const name = displayName ?? username;
  return (
    <span className="avatar-initial" aria-hidden="true" style={{ '--hue': hueOf(username) } as CSSProperties}>
      {[...name][0]?.toUpperCase()}
    </span>
  );
}

/** A stable colour per name, so that people are told apart at a glance. */
function hueOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  return hash;
}
