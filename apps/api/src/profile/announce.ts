import type { UserProfile } from '@chat/protocol';
import type { AddressedEvent } from '../gateway/events.ts';

/** A changed profile, told to the user's own connections (other tabs) and to everyone they talk with. */
export function profileEvents(profile: UserProfile, peerIds: readonly number[]): AddressedEvent[] {
  const frames = [{ type: 'profile' as const, profile }];
  return [profile.id, ...peerIds].map((userId) => ({ userId, event: { kind: 'frames', frames } }));
}
