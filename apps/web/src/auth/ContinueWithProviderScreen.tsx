import { ApiError } from '@chat/client';
import type { OidcPendingResponse } from '@chat/protocol';
import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { Link, navigate } from '../lib/router.tsx';
import { signedIn } from '../session/session.ts';
import { AuthForm } from './AuthForm.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { Field, PasswordField } from './Field.tsx';
import { availabilityNote, formMessage, refusedNote } from './notes.ts';
import { useAvailability } from './use-availability.ts';

type Pending =
  | { state: 'loading' }
  | { state: 'gone'; message: string }
  | { state: 'ready'; identity: OidcPendingResponse };

/**
 * Where a provider sign-in lands when no account is linked to it yet: a new person chooses a
 * username; someone whose address already has an account proves it with its password, once.
 */
export function ContinueWithProviderScreen() {
  const [pending, setPending] = useState<Pending>({ state: 'loading' });

  useEffect(() => {
    api
      .pendingIdentity()
      .then((identity) => setPending({ state: 'ready', identity }))
      .catch((error: unknown) => setPending({ state: 'gone', message: formMessage(error) }));
  }, []);

  if (pending.state === 'loading') return <p className="splash">Loading…</p>;
  if (pending.state === 'gone') {
    return (
      <AuthLayout title="Sign-in expired">
        <p>{pending.message}</p>
        <p className="auth-alternative">
          <Link href="/login">Back to log in</Link>
        </p>
      </AuthLayout>
    );
  }
  const { identity } = pending;
  if (!identity.existingAccount) return <ChooseUsername identity={identity} />;
  if (identity.emailVerified) return <LinkAccount identity={identity} />;
  return (
    <AuthLayout title="This address already has an account">
      <p role="alert">
        {identity.provider.label} has not confirmed that {identity.email} is yours, so it cannot be linked to the
        account that has this address. Log in with that account’s password instead.
      </p>
      <p className="auth-alternative">
        <Link href="/login">Log in with a password</Link>
      </p>
    </AuthLayout>
  );
}

function ChooseUsername({ identity }: { identity: OidcPendingResponse }) {
  const [username, setUsername] = useState(identity.suggestedUsername);
  const [refused, setRefused] = useState<string>();
  const availability = useAvailability('username', username);

  const create = async () => {
    try {
      const { user } = await api.createAccountForIdentity(username);
      signedIn(user);
      navigate('/', { replace: true });
    } catch (error) {
      const code = error instanceof ApiError ? error.fields.username : undefined;
      if (!code) throw error;
      setRefused(code);
    }
  };

  return (
    <AuthLayout title="Choose your username">
      <p>
        {identity.name ? `Welcome, ${identity.name}. ` : 'Welcome. '}
        You signed in with {identity.provider.label} as {identity.email}. Pick the name people will find you by.
      </p>
      <AuthForm submitLabel="Create account" busyLabel="Creating your account…" onSubmit={create}>
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={(event) => {
            setUsername(event.target.value.toLowerCase());
            setRefused(undefined);
          }}
          note={refusedNote(refused) ?? availabilityNote(availability, 'That username is free.')}
        />
      </AuthForm>
      {!identity.emailVerified && (
        <p className="auth-alternative">
          {identity.provider.label} has not confirmed this address, so we will send a link to {identity.email} to
          confirm it.
        </p>
      )}
      <p className="auth-alternative">
        <Link href="/login">Cancel</Link>
      </p>
    </AuthLayout>
  );
}

function LinkAccount({ identity }: { identity: OidcPendingResponse }) {
  const [password, setPassword] = useState('');

  const link = async () => {
    const { user } = await api.linkIdentity(password);
    signedIn(user);
    navigate('/', { replace: true });
  };

  return (
    <AuthLayout title={`Link ${identity.provider.label} to your account`}>
      <p>
        An account already uses {identity.email}. Enter its password once to link it; from then on, “Continue with{' '}
        {identity.provider.label}” signs you in.
      </p>
      <AuthForm submitLabel="Link and log in" busyLabel="Linking…" onSubmit={link}>
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
    </AuthLayout>
  );
}
