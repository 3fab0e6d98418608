import { ApiError } from '@chat/client';
import type { Me } from '@chat/protocol';
import { useId, useState } from 'react';
import { AuthForm } from '../auth/AuthForm.tsx';
import { PasswordField } from '../auth/Field.tsx';
import { passwordNote, refusedNote } from '../auth/notes.ts';
import { passwordProblem } from '../auth/password-rules.ts';
import { api } from '../lib/api.ts';
import { endedSession, signedIn } from '../session/session.ts';

type Refused = { currentPassword?: string; newPassword?: string };

/** A new password, proven by the current one; other devices may be signed out with it. */
export function PasswordSection({ me }: { me: Me }) {
  const signOutId = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [signOutOthers, setSignOutOthers] = useState(true);
  const [refused, setRefused] = useState<Refused>({});
  const [done, setDone] = useState<string>();
  const problem = next ? passwordProblem(next, { username: me.username, email: me.email }) : undefined;

  const save = async () => {
    setDone(undefined);
    if (!current || problem || !next) {
      setRefused({
        currentPassword: current ? undefined : 'wrong_password',
        newPassword: problem ?? (next ? undefined : 'password_too_short'),
      });
      return;
    }
    try {
      const { user } = await api.changePassword({
        currentPassword: current,
        newPassword: next,
        signOutOtherSessions: signOutOthers,
      });
      signedIn(user);
      setCurrent('');
      setNext('');
      setDone(
        signOutOthers
          ? 'Your password was changed, and your other devices were signed out.'
          : 'Your password was changed.',
      );
    } catch (error) {
      if (endedSession(error)) return;
      if (error instanceof ApiError && (error.fields.currentPassword || error.fields.newPassword)) {
        setRefused(error.fields);
        return;
      }
      throw error;
    }
  };

  return (
    <AuthForm submitLabel="Change password" busyLabel="Changing…" onSubmit={save}>
      {/* Lets a password manager know whose password this is. */}
      <input type="text" name="username" autoComplete="username" value={me.username} readOnly hidden />
      <PasswordField
        label="Current password"
        name="currentPassword"
        autoComplete="current-password"
        value={current}
        onChange={(event) => {
          setCurrent(event.target.value);
          setRefused({ ...refused, currentPassword: undefined });
        }}
        note={refusedNote(refused.currentPassword)}
      />
      <PasswordField
        label="New password"
        name="newPassword"
        autoComplete="new-password"
        value={next}
        onChange={(event) => {
          setNext(event.target.value);
          setRefused({ ...refused, newPassword: undefined });
        }}
        note={refusedNote(refused.newPassword) ?? passwordNote(next, problem)}
      />
      <div className="setting-switch">
        <input
          id={signOutId}
          type="checkbox"
          checked={signOutOthers}
          onChange={(event) => setSignOutOthers(event.target.checked)}
        />
        <label htmlFor={signOutId}>Sign out my other devices</label>
      </div>
      {done && (
        <p className="field-note ok" role="status">
          {done}
        </p>
      )}
    </AuthForm>
  );
}
