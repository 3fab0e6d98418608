import type { Me } from '@chat/protocol';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { startAuthentication } from '@simplewebauthn/browser';
import { useState } from 'react';
import { api } from '../lib/api.ts';
import { FormError } from './AuthLayout.tsx';
import { formMessage } from './notes.ts';

/** "Sign in with a passkey": no username, the browser offers this site's passkeys. No code follows it. */
export function PasskeySignIn({ onSignedIn }: { onSignedIn(user: Me): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const signIn = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { options } = await api.passkeyLoginOptions();
      const response = await startAuthentication({
        optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON,
      });
      const { user } = await api.loginWithPasskey(response);
      onSignedIn(user);
    } catch (caught) {
      setError(passkeyMessage(caught));
    }
    setBusy(false);
  };

  return (
    <div className="passkey-sign-in">
      <button type="button" className="button wide" disabled={busy} onClick={() => void signIn()}>
        {busy ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
      </button>
      <FormError>{error}</FormError>
    </div>
  );
}

/** The browser's own refusals (cancelled, no passkey here) read as what happened, not as a server error. */
export function passkeyMessage(error: unknown): string {
  if (error instanceof Error && error.name === 'NotAllowedError')
    return 'The passkey request was cancelled or timed out.';
  if (error instanceof Error && error.name === 'NotSupportedError') return 'This browser does not support passkeys.';
  return formMessage(error);
}
