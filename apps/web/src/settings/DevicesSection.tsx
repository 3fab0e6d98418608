import type { DeviceSession, Me } from '@chat/protocol';
import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { timeAgo } from '../lib/time.ts';
import { useNow } from '../lib/use-now.ts';
import { endedSession } from '../session/session.ts';

const regions = new Intl.DisplayNames(undefined, { type: 'region' });

/** "Firefox 133 on Windows 10", or what a token session is when it names no browser. */
function deviceName(session: DeviceSession): string {
  const what = session.browser ?? (session.kind === 'token' ? 'An app or script' : 'A browser');
  return session.os ? `${what} on ${session.os}` : what;
}

function whereFrom(session: DeviceSession): string | null {
  if (!session.ip) return null;
  return session.country ? `${regions.of(session.country) ?? session.country} (${session.ip})` : session.ip;
}

/** Every device signed in to the account, this one marked; any other can be signed out. */
export function DevicesSection(_: { me: Me }) {
  const [sessions, setSessions] = useState<DeviceSession[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const now = useNow();

  const run = async (action: () => Promise<unknown>, failure: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      setSessions((await api.sessions()).sessions);
    } catch (caught) {
      if (!endedSession(caught)) setError(failure);
    } finally {
      setBusy(false);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once, when the section opens
  useEffect(() => void run(async () => undefined, 'Your devices could not be loaded.'), []);

  if (!sessions) return error ? <p role="alert">{error}</p> : <p>Loading…</p>;
  const others = sessions.filter((session) => !session.current);
  // This device first, then the others, most recently active first (as the server lists them).
  const shown = [...sessions.filter((session) => session.current), ...others];
  return (
    <>
      <ul className="devices">
        {shown.map((session) => (
          <li key={session.id} className="device">
            <div>
              <strong>{deviceName(session)}</strong>
              {session.current && <span className="device-current"> · This device</span>}
              <p className="field-note hint">
                {[
                  session.kind === 'token' ? 'Signed in with a token' : null,
                  whereFrom(session),
                  session.lastActiveAt === null ? null : `Active ${timeAgo(session.lastActiveAt, now)}`,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
            </div>
            {!session.current && (
              <button
                type="button"
                className="button"
                disabled={busy}
                aria-label={`Sign out ${deviceName(session)}`}
                onClick={() => void run(() => api.endSession(session.id), 'That device could not be signed out.')}
              >
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      <p className="field-note hint">
        Places are guessed from the address, country only, with IP2Location LITE data from{' '}
        <a href="https://lite.ip2location.com" target="_blank" rel="noopener noreferrer">
          lite.ip2location.com
        </a>
        .
      </p>
      {others.length > 0 && (
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void run(() => api.endOtherSessions(), 'The other devices could not be signed out.')}
        >
          Sign out all other devices
        </button>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
