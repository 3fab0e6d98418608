import type { Me } from '@chat/protocol';
import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { Link, useLocation } from '../lib/router.tsx';
import { loadSession, useSession } from '../session/session.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { formMessage } from './notes.ts';

/** A token works once: the answer is kept so that a re-render (or React's strict mode) does not spend it twice. */
const verifications = new Map<string, Promise<Me>>();

function verifyOnce(token: string): Promise<Me> {
  let verification = verifications.get(token);
  if (!verification) {
    verification = api.verify(token).then(({ user }) => user);
    verifications.set(token, verification);
  }
  return verification;
}

type Outcome = { state: 'verifying' } | { state: 'verified' } | { state: 'failed'; message: string };

/** Where the link in the verification mail leads. */
export function VerifyScreen() {
  const token = useLocation().search.get('token') ?? '';
  const session = useSession();
  const [outcome, setOutcome] = useState<Outcome>({ state: 'verifying' });

  useEffect(() => {
    let current = true;
    verifyOnce(token).then(
      () => {
        if (!current) return;
        setOutcome({ state: 'verified' });
        // If this browser is signed in as that user, the chat opens to them now.
        void loadSession();
      },
      (error: unknown) => current && setOutcome({ state: 'failed', message: formMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [token]);

  const signedIn = session.status === 'signed-in';
  if (outcome.state === 'verifying') {
    return (
      <AuthLayout title="Confirming your email…">
        <p role="status">One moment.</p>
      </AuthLayout>
    );
  }
  if (outcome.state === 'failed') {
    return (
      <AuthLayout title="This link did not work">
        <p role="alert">{outcome.message}</p>
        <p>
          {signedIn ? (
            <Link href="/">Ask for a new link</Link>
          ) : (
            <Link href="/login">Log in to ask for a new link</Link>
          )}
        </p>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Your email is confirmed">
      <p>Welcome! You can chat now.</p>
      <Link href={signedIn ? '/' : '/login'} className="button primary wide">
        {signedIn ? 'Start chatting' : 'Log in'}
      </Link>
    </AuthLayout>
  );
}
