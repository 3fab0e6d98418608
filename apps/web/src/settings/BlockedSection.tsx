import type { BlockedUser } from '@chat/protocol';
import { useEffect, useState } from 'react';
import { setBlocked } from '../chat/actions.ts';
import { api } from '../lib/api.ts';
import { endedSession } from '../session/session.ts';

/** The people I blocked, each with a way to unblock them. */
export function BlockedSection() {
  const [blocked, setList] = useState<BlockedUser[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    api.blocks().then(
      (answer) => current && setList(answer.blocked),
      (failure: unknown) => current && !endedSession(failure) && setError('The list could not be loaded.'),
    );
    return () => {
      current = false;
    };
  }, []);

  const unblock = async (userId: number) => {
    setError(undefined);
    try {
      await setBlocked(userId, false);
      setList((list) => list?.filter((entry) => entry.user.id !== userId));
    } catch (failure) {
      if (!endedSession(failure)) setError('Unblocking failed. Try again.');
    }
  };

  if (!blocked) return <p className="field-note hint">{error ?? 'Loading…'}</p>;
  return (
    <>
      <p className="field-note hint">
        People you block cannot message you or see when you are online, typing or have read their messages, and you do
        not see theirs. Both of you keep the conversation so far.
      </p>
      {blocked.length === 0 ? (
        <p>You have not blocked anyone.</p>
      ) : (
        <ul className="blocked-list" aria-label="Blocked people">
          {blocked.map(({ user }) => (
            <li key={user.id}>
              <span>{user.username}</span>
              <button type="button" className="button quiet" onClick={() => void unblock(user.id)}>
                Unblock
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
