import type { UserProfile } from '@chat/protocol';
import { nameOf, useProfile } from './profiles.ts';

/** A person's name in a list row: the name they chose, with their @handle beside it; else the handle alone. */
export function PersonName({ user }: { user: UserProfile }) {
  const profile = useProfile(user);
  return (
    <span className="row-name">
      {nameOf(profile)}
      {profile.displayName !== null && <span className="row-handle"> @{profile.username}</span>}
    </span>
  );
}
