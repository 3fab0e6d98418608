import { ApiError } from '@chat/client';
import type { Me } from '@chat/protocol';
import { api } from '../lib/api.ts';
import { forgetUser } from '../lib/saved.ts';
import { createStore, useStore } from '../lib/store.ts';

export type Session =
  | { status: 'loading' }
  /** The server could not be asked (offline, down): the app offers to try again. */
  | { status: 'unreachable' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; me: Me };

const sessionStore = createStore<Session>({ status: 'loading' });

export const useSession = (): Session => useStore(sessionStore, (session) => session);

/** Asks the server who is signed in; called at start-up and whenever that may have changed. */
export async function loadSession(): Promise<void> {
  try {
    const { user } = await api.me();
    sessionStore.set({ status: 'signed-in', me: user });
  } catch (error) {
    sessionStore.set({ status: error instanceof ApiError ? 'signed-out' : 'unreachable' });
  }
}

export const signedIn = (me: Me) => sessionStore.set({ status: 'signed-in', me });

/** This user changed their name or picture (perhaps in another tab): shown here too. */
export function showOwnProfile(profile: Pick<Me, 'displayName' | 'avatarId'>): void {
  const session = sessionStore.get();
  if (session.status !== 'signed-in') return;
  signedIn({ ...session.me, displayName: profile.displayName, avatarId: profile.avatarId });
}

/** The server no longer knows this session (signed out elsewhere, password reset): back to the sign-in page. */
export const sessionEnded = () => sessionStore.set({ status: 'signed-out' });

export async function logOut(): Promise<void> {
  const session = sessionStore.get();
  // Signed out locally whatever the answer: a session the server already forgot is just as over.
  await api.logout().catch(() => undefined);
  // Unsent messages and drafts go too: the next person at this browser must not find them.
  if (session.status === 'signed-in') forgetUser(session.me.id);
  sessionEnded();
}

/** True (and the session is ended) when a request failed because the session is gone. */
export function endedSession(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status !== 401) return false;
  sessionEnded();
  return true;
}
