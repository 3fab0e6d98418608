import type { Presence } from '@chat/protocol';
import type { CSSProperties } from 'react';
import { timeAgo } from '../lib/time.ts';
import { useNow } from '../lib/use-now.ts';
import { useChat } from './store.ts';

/** The freshest presence of a user: pushed by the server once watched, else what a list said. */
export function usePresence(userId: number, fallback: Presence): Presence {
  return useChat((state) => state.presence[userId]) ?? fallback;
}

/** A user's initial in a circle, with their presence dot: green online, grey offline (saying since when). */
export function Avatar({ userId, username, presence }: { userId: number; username: string; presence: Presence }) {
  const { online, lastSeenAt } = usePresence(userId, presence);
  const now = useNow();
  const label = online ? 'Online' : lastSeenAt === null ? 'Offline' : `Offline, last seen ${timeAgo(lastSeenAt, now)}`;
  return (
    <span className="avatar">
      <span className="avatar-initial" aria-hidden="true" style={{ '--hue': hueOf(username) } as CSSProperties}>
        {username.slice(0, 1).toUpperCase()}
      </span>
      <span className={`presence-dot ${online ? 'online' : 'offline'}`} role="img" aria-label={label} title={label} />
    </span>
  );
}

/** A stable colour per name, so that people are told apart at a glance. */
function hueOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  return hash;
}
