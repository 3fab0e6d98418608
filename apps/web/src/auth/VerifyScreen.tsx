import type { Me } from '@chat/protocol';
import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { Link, useLocation } from '../lib/router.tsx';
import { loadSession, useSession } from '../session/session.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { formMessage } from './notes.ts';

/** What is confirmed: the address given at sign-up, or a new one chosen in settings. */
export type Confirmation = 'signup' | 'email-change';

const CONFIRMATIONS = {
  signup: {
    confirm: (token: string) => api.verify(token),
    verifying: 'Confirming your email…',
    done: 'Your email is confirmed',
    next: 'Welcome! You can chat now.',
  },
  'email-change': {
    confirm: (token: string) => api.confirmEmailChange(token),
    verifying: 'Confirming your new address…',
    done: 'Your new address is confirmed',
    next: 'From now on you log in and get mail with it.',
  },
} as const;

/** A token works once: the answer is kept so that a re-render (or React's strict mode) does not spend it twice. */
const verifications = new Map<string, Promise<Me>>();

function verifyOnce(confirmation: Confirmation, token: string): Promise<Me> {
  let verification = verifications.get(token);
  if (!verification) {
    verification = CONFIRMATIONS[confirmation].confirm(token).then(({ user }) => user);
    verifications.set(token, verification);
  }
  return verification;
}

type Outcome = { state: 'verifying' } | { state: 'verified' } | { state: 'failed'; message: string };

/** Where the link in a verification mail leads (at sign-up, or to a new address). */
export function VerifyScreen({ confirmation = 'signup' }: { confirmation?: Confirmation }) {
  const texts = CONFIRMATIONS[confirmation];
  const token = useLocation().search.get('token') ?? '';
  const session = useSession();
  const [outcome, setOutcome] = useState<Outcome>({ state: 'verifying' });

  useEffect(() => {
    let current = true;
    verifyOnce(confirmation, token).then(
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
  }, [confirmation, token]);

  const signedIn = session.status === 'signed-in';
  if (outcome.state === 'verifying') {
    return (
      <AuthLayout title={texts.verifying}>
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
    <AuthLayout title={texts.done}>
      <p>{texts.next}</p>
      <Link href={signedIn ? '/' : '/login'} className="button primary wide">
        {signedIn ? 'Start chatting' : 'Log in'}
      </Link>
    </AuthLayout>
  );
}
