import { useState } from 'react';
import { api } from '../lib/api.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { signedIn } from '../session/session.ts';
import { AuthForm } from './AuthForm.tsx';
import { AuthLayout, FormError } from './AuthLayout.tsx';
import { Field, PasswordField } from './Field.tsx';
import { IdentityProviders } from './IdentityProviders.tsx';
import { oidcErrorMessage } from './oidc-errors.ts';

export function LoginScreen() {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const { search } = useLocation();
  const providerFailure = search.get('oidc_error');

  const logIn = async () => {
    const { user } = await api.login(login.trim(), password);
    signedIn(user);
    navigate('/', { replace: true });
  };

  return (
    <AuthLayout title="Log in">
      <FormError>{providerFailure && oidcErrorMessage(providerFailure, search.get('provider_error'))}</FormError>
      <AuthForm submitLabel="Log in" busyLabel="Logging in…" onSubmit={logIn}>
        <Field
          label="Username or email"
          name="login"
          autoComplete="username"
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
