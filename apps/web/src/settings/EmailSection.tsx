import { ApiError } from '@chat/client';
import type { Me } from '@chat/protocol';
import { useState } from 'react';
import { AuthForm } from '../auth/AuthForm.tsx';
import { Field, PasswordField } from '../auth/Field.tsx';
import { formMessage, refusedNote } from '../auth/notes.ts';
import { api } from '../lib/api.ts';
import { endedSession, signedIn } from '../session/session.ts';

type Refused = { email?: string; password?: string };

/** A new address takes effect once the link mailed to it is followed; until then it can be cancelled. */
export function EmailSection({ me }: { me: Me }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [refused, setRefused] = useState<Refused>({});
  const [cancelError, setCancelError] = useState<string>();

  const save = async () => {
    if (!email || !password) {
      setRefused({ email: email ? undefined : 'email_invalid', password: password ? undefined : 'wrong_password' });
      return;
    }
    try {
      const { user } = await api.changeEmail({ email, password });
      signedIn(user);
      setEmail('');
      setPassword('');
    } catch (error) {
      if (endedSession(error)) return;
      if (error instanceof ApiError && (error.fields.email || error.fields.password)) {
        setRefused(error.fields);
        return;
      }
      throw error;
    }
  };
  const cancel = async () => {
    setCancelError(undefined);
    try {
      signedIn((await api.cancelEmailChange()).user);
    } catch (error) {
      if (!endedSession(error)) setCancelError(formMessage(error));
    }
  };

  return (
    <>
      <p>
        Your address: <strong>{me.email}</strong>
      </p>
      {me.pendingEmail && (
        <div className="pending-email" role="status">
          <p>
            Waiting for you to confirm <strong>{me.pendingEmail}</strong>: follow the link we mailed there. Until then
            your address stays as it is.
          </p>
          <button type="button" className="button quiet" onClick={() => void cancel()}>
            Cancel the change
          </button>
          {cancelError && (
            <p className="field-note error" role="alert">
              {cancelError}
            </p>
          )}
        </div>
      )}
      <AuthForm submitLabel="Change email" busyLabel="Sending…" onSubmit={save}>
        <Field
          label="New email address"
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(event) => {
            setEmail(event.target.value);
            setRefused({ ...refused, email: undefined });
          }}
          note={refusedNote(refused.email) ?? { text: 'We mail a link there to confirm it.', tone: 'hint' }}
        />
        <PasswordField
          label="Current password"
          name="emailPassword"
          autoComplete="current-password"
          value={password}
          onChange={(event) => {
            setPassword(event.target.value);
            setRefused({ ...refused, password: undefined });
          }}
          note={refusedNote(refused.password)}
        />
      </AuthForm>
    </>
  );
}
