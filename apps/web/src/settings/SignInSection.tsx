import type { LinkedIdentitiesResponse } from '@chat/protocol';
import { useCallback, useEffect, useState } from 'react';
import { formMessage } from '../auth/notes.ts';
import { api } from '../lib/api.ts';
import { endedSession } from '../session/session.ts';

/** The identity providers linked to this account, each of which can be unlinked while another way in remains. */
export function SignInSection() {
  const [linked, setLinked] = useState<LinkedIdentitiesResponse>();
  const [error, setError] = useState<string>();

  const load = useCallback(async () => {
    try {
      setLinked(await api.linkedIdentities());
    } catch (failure) {
      if (!endedSession(failure)) setError(formMessage(failure));
    }
  }, []);
  useEffect(() => void load(), [load]);

  const unlink = async (provider: string) => {
    setError(undefined);
    try {
      await api.unlinkIdentity(provider);
      await load();
    } catch (failure) {
      if (!endedSession(failure)) setError(formMessage(failure));
    }
  };

  if (!linked) return error ? <p role="alert">{error}</p> : <p className="field-note hint">Loading…</p>;
  return (
    <div className="linked-identities">
      {linked.identities.length === 0 ? (
        <p className="field-note hint">
          You sign in with your password. To sign in with an identity provider too, log out and choose “Continue with…”
          with the same email address.
        </p>
      ) : (
        <ul>
          {linked.identities.map(({ provider, linkedAt }) => (
            <li key={provider.id}>
              <span>
                {provider.label}{' '}
                <span className="field-note hint">linked {new Date(linkedAt).toLocaleDateString()}</span>
              </span>
              <button
                type="button"
                className="button quiet"
                aria-label={`Unlink ${provider.label}`}
                onClick={() => void unlink(provider.id)}
              >
                Unlink
              </button>
            </li>
          ))}
        </ul>
      )}
      {!linked.hasPassword && (
        <p className="field-note hint">
          Your account has no password: you sign in through your identity provider. “Forgot your password?” on the
          sign-in page sets one.
        </p>
      )}
      {error && (
        <p className="field-note error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
