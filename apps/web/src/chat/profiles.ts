import type { UserProfile } from '@chat/protocol';
import { useChat } from './store.ts';

/** The freshest profile of a user: pushed by the server when they change it, else what a list said. */
export function useProfile(user: UserProfile): UserProfile {
  return useChat((state) => state.profiles[user.id]) ?? user;
}

/** The on-screen name of a user who may not be known yet (a conversation still loading): empty then. */
export function usePeerName(user: UserProfile | undefined): string {
  const changed = useChat((state) => (user ? state.profiles[user.id] : undefined));
  const profile = changed ?? user;
  return profile ? nameOf(profile) : '';
}

/** What a person is called on screen: the name they chose, else their username. */
export const nameOf = (profile: Pick<UserProfile, 'displayName' | 'username'>): string =>
  profile.displayName ?? profile.username;

export const avatarUrl = (avatarId: string) => `/api/avatars/${encodeURIComponent(avatarId)}`;
