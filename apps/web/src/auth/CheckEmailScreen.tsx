import type { Me } from '@chat/protocol';
import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { loadSession, logOut } from '../session/session.ts';
import { AuthLayout, FormError } from './AuthLayout.tsx';
import { formMessage } from './notes.ts';

/** Signed in but not verified: the server refuses every chat request until the link in the mail is followed. */
export function CheckEmailScreen({ me }: { me: Me }) {
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string>();

  // The link is often followed in another tab: coming back here picks that up.
  useEffect(() => {
    const recheck = () => {
      if (document.visibilityState === 'visible') void loadSession();
    };
    document.addEventListener('visibilitychange', recheck);
    return () => document.removeEventListener('visibilitychange', recheck);
  }, []);

  const resend = async () => {
    setSending(true);
    setError(undefined);
    try {
      await api.resendVerification();
      setSent(true);
    } catch (caught) {
      setError(formMessage(caught));
    }
    setSending(false);
  };

  return (
    <AuthLayout title="Check your email">
      <p>
        We sent a link to <strong>{me.email}</strong>. Follow it to confirm your address and start chatting.
      </p>
      <p className="muted">It can take a minute to arrive. Look in your spam folder too.</p>
      <div role="status">{sent && <p className="ok-note">We sent the email again.</p>}</div>
      <FormError>{error}</FormError>
      <div className="actions">
        <button type="button" className="button primary" onClick={() => void resend()} disabled={sending}>
          {sending ? 'Sending…' : 'Resend the email'}
        </button>
        <button type="button" className="button quiet" onClick={() => void logOut()}>
          Log out
        </button>
      </div>
    </AuthLayout>
  );
}
