import { useState } from 'react';
import { api } from '../lib/api.ts';
import { Link, navigate } from '../lib/router.tsx';
import { signedIn } from '../session/session.ts';
import { AuthForm } from './AuthForm.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { Field, PasswordField } from './Field.tsx';

export function LoginScreen() {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');

  const logIn = async () => {
    const { user } = await api.login(login.trim(), password);
    signedIn(user);
    navigate('/', { replace: true });
  };

  return (
    <AuthLayout title="Log in">
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
      <p className="auth-alternative">
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
      <p className="auth-alternative">
        New here? <Link href="/signup">Create an account</Link>
      </p>
    </AuthLayout>
  );
}
