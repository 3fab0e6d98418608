import { ApiError } from '@chat/client';
import type { Me } from '@chat/protocol';
import { useState } from 'react';
import { PasswordField } from '../auth/Field.tsx';
import { api } from '../lib/api.ts';
import { forgetUser } from '../lib/saved.ts';
import { sessionEnded } from '../session/session.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { noPasswordNote, ownerProof } from './owner-proof.ts';
import { useHasPassword } from './use-has-password.ts';

/**
 * The danger zone: deleting the account for good, confirmed with the password, or, for an account
 * that signs in only through a provider, by having signed in within the last minutes.
 */
export function DeleteAccountSection({ me }: { me: Me }) {
  const hasPassword = useHasPassword();
  const [confirming, setConfirming] = useState(false);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const close = () => {
    setConfirming(false);
    setPassword('');
    setError(undefined);
  };
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.deleteAccount(ownerProof(hasPassword, password));
      forgetUser(me.id);
      sessionEnded();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Your account could not be deleted. Try again.');
      setBusy(false);
    }
  };

  return (
    <div className="danger-zone">
      <p>
        Deleting your account signs you out everywhere and erases your email address, password, settings and devices.
        The messages you sent stay with the people you sent them to, shown as from "Deleted user". Your username stays
        reserved, so nobody can pose as you. This cannot be undone: download your data first if you want to keep it.
      </p>
      <button type="button" className="button danger" onClick={() => setConfirming(true)}>
        Delete my account…
      </button>
      {confirming && (
        <ConfirmDialog
          title="Delete your account?"
          confirmLabel="Delete my account"
          busyLabel="Deleting…"
          busy={busy}
          error={error}
          onConfirm={() => void confirm()}
          onCancel={close}
        >
          {hasPassword ? (
            <>
              <p>Everything about {me.username} is erased for good. Type your password to confirm.</p>
              <PasswordField
                label="Password"
                autoComplete="current-password"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            </>
          ) : (
            <p>
              Everything about {me.username} is erased for good. {noPasswordNote('this')}
            </p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
