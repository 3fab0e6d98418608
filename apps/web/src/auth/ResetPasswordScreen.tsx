import { ApiError } from '@chat/client';
import type { TwoFactorChallenge } from '@chat/protocol';
import { useState } from 'react';
import { api } from '../lib/api.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { signedIn } from '../session/session.ts';
import { AuthForm } from './AuthForm.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { PasswordField } from './Field.tsx';
import { TwoFactorStep } from './LoginScreen.tsx';
import { passwordNote, refusedNote } from './notes.ts';
import { passwordProblem } from './password-rules.ts';

/** Where the link in the password-reset mail leads; choosing a password signs in. */
export function ResetPasswordScreen() {
  const token = useLocation().search.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [refused, setRefused] = useState<string>();
  const [linkDead, setLinkDead] = useState(false);
  const [challenge, setChallenge] = useState<TwoFactorChallenge>();
  const problem = password ? passwordProblem(password) : undefined;

  const save = async () => {
    if (problem) {
      setRefused(problem);
      return;
    }
    try {
      const answer = await api.resetPassword(token, password);
      if ('twoFactor' in answer) {
        setChallenge(answer.twoFactor);
        return;
      }
      signedIn(answer.user);
      navigate('/', { replace: true });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.fields.password) {
        setRefused(error.fields.password);
        return;
      }
      setLinkDead(error.code.startsWith('token_'));
      throw error;
    }
  };

  // The new password is saved; an account with two-factor on still shows its code before signing in.
  if (challenge) return <TwoFactorStep challenge={challenge} onRestart={() => navigate('/', { replace: true })} />;

  return (
    <AuthLayout title="Choose a new password">
      <AuthForm submitLabel="Save and log in" busyLabel="Saving…" onSubmit={save}>
        <PasswordField
          label="New password"
          name="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => {
            setPassword(event.target.value);
            setRefused(undefined);
          }}
          note={refusedNote(refused) ?? passwordNote(password, problem)}
        />
      </AuthForm>
      {linkDead && (
        <p className="auth-alternative">
          <Link href="/forgot-password">Ask for a new link</Link>
        </p>
      )}
    </AuthLayout>
  );
}
