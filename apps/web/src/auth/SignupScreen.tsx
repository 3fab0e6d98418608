import { ApiError } from '@chat/client';
import { useState } from 'react';
import { api } from '../lib/api.ts';
import { Link, navigate } from '../lib/router.tsx';
import { signedIn } from '../session/session.ts';
import { AuthForm } from './AuthForm.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { Field, PasswordField } from './Field.tsx';
import { IdentityProviders } from './IdentityProviders.tsx';
import { availabilityNote, passwordNote, refusedNote } from './notes.ts';
import { passwordProblem } from './password-rules.ts';
import { useAvailability } from './use-availability.ts';

type FieldName = 'username' | 'email' | 'password';

export function SignupScreen() {
  const [values, setValues] = useState({ username: '', email: '', password: '' });
  // What the server said about a field on submit, until that field changes.
  const [refused, setRefused] = useState<Partial<Record<FieldName, string>>>({});
  const username = useAvailability('username', values.username);
  const email = useAvailability('email', values.email);
  const weakness = values.password ? passwordProblem(values.password, values) : undefined;

  const change = (field: FieldName) => (event: { target: { value: string } }) => {
    // Usernames are lower-case on the server; showing it as typed avoids a surprise later.
    const value = field === 'username' ? event.target.value.toLowerCase() : event.target.value;
    setValues((current) => ({ ...current, [field]: value }));
    setRefused(({ [field]: _cleared, ...rest }) => rest);
  };

  const signUp = async () => {
    if (weakness) {
      setRefused((current) => ({ ...current, password: weakness }));
      return;
    }
    try {
      const { user } = await api.signup(values);
      signedIn(user);
      navigate('/', { replace: true });
    } catch (error) {
      if (!(error instanceof ApiError) || Object.keys(error.fields).length === 0) throw error;
      setRefused(error.fields);
    }
  };

  return (
    <AuthLayout title="Create your account">
      <AuthForm submitLabel="Create account" busyLabel="Creating your account…" onSubmit={signUp}>
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={values.username}
          onChange={change('username')}
          note={refusedNote(refused.username) ?? availabilityNote(username, 'That username is free.')}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={values.email}
          onChange={change('email')}
          note={refusedNote(refused.email) ?? availabilityNote(email, 'We will send a confirmation link there.')}
        />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="new-password"
          required
          value={values.password}
          onChange={change('password')}
          note={refusedNote(refused.password) ?? passwordNote(values.password, weakness)}
        />
      </AuthForm>
      <IdentityProviders />
      <p className="auth-alternative">
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </AuthLayout>
  );
}
