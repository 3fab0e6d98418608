import type { Me, TwoFactorChallenge } from '@chat/protocol';
import { useState } from 'react';
import { api } from '../lib/api.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { signedIn } from '../session/session.ts';
import { AuthForm } from './AuthForm.tsx';
import { AuthLayout, FormError } from './AuthLayout.tsx';
import { Field, PasswordField } from './Field.tsx';
import { PasskeySignIn } from './PasskeySignIn.tsx';

const enter = (user: Me) => {
  signedIn(user);
  navigate('/', { replace: true });
};

import { IdentityProviders } from './IdentityProviders.tsx';
import { oidcErrorMessage } from './oidc-errors.ts';

export function LoginScreen() {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<TwoFactorChallenge>();
  const { search } = useLocation();
  const providerFailure = search.get('oidc_error');

  const logIn = async () => {
    const answer = await api.login(login.trim(), password);
    if ('twoFactor' in answer) setChallenge(answer.twoFactor);
    else enter(answer.user);
  };

  if (challenge) return <TwoFactorStep challenge={challenge} onRestart={() => setChallenge(undefined)} />;

  return (
    <AuthLayout title="Log in">
      <FormError>{providerFailure && oidcErrorMessage(providerFailure, search.get('provider_error'))}</FormError>
      <AuthForm submitLabel="Log in" busyLabel="Logging in…" onSubmit={logIn}>
        <Field
          label="Username or email"
          name="login"
          autoComplete="username webauthn"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={login}
          onChange={(event) => setLogin(event.target.value)}
        />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </AuthForm>
      <PasskeySignIn onSignedIn={enter} />
      <IdentityProviders />
      <p className="auth-alternative">
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
      <p className="auth-alternative">
        New here? <Link href="/signup">Create an account</Link>
      </p>
    </AuthLayout>
  );
}

/** The second step for an account with two-factor on: the app's code, or one recovery code. */
export function TwoFactorStep({ challenge, onRestart }: { challenge: TwoFactorChallenge; onRestart(): void }) {
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);

  const verify = async () => {
    const { user } = await api.loginTwoFactor(challenge.challenge, code.trim());
    enter(user);
  };

  return (
    <AuthLayout title="Two-factor authentication">
      <p className="auth-lead">
        {recovery
          ? 'Enter one of the recovery codes you saved. Each works once.'
          : 'Enter the six-digit code from your authenticator app.'}
      </p>
      <AuthForm submitLabel="Verify" busyLabel="Verifying…" onSubmit={verify}>
        {recovery ? (
          <Field
            key="recovery"
            label="Recovery code"
            name="recovery-code"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            autoFocus
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        ) : (
          <Field
            key="totp"
            label="Authentication code"
            name="one-time-code"
            autoComplete="one-time-code"
            inputMode="numeric"
            pattern="[0-9 ]*"
            maxLength={7}
            required
            autoFocus
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        )}
      </AuthForm>
      <p className="auth-alternative">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setRecovery(!recovery);
            setCode('');
          }}
        >
          {recovery ? 'Use the code from your app' : 'Use a recovery code'}
        </button>
      </p>
      <p className="auth-alternative">
        <button type="button" className="link-button" onClick={onRestart}>
          Start over
        </button>
      </p>
    </AuthLayout>
  );
}
