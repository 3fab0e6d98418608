import { ApiError } from '@chat/client';
import { PASSKEY_NAME_MAX, type Passkey } from '@chat/protocol';
import { type PublicKeyCredentialCreationOptionsJSON, startRegistration } from '@simplewebauthn/browser';
import { useEffect, useState } from 'react';
import { AuthForm } from '../auth/AuthForm.tsx';
import { Field } from '../auth/Field.tsx';
import { formMessage } from '../auth/notes.ts';
import { passkeyMessage } from '../auth/PasskeySignIn.tsx';
import { api } from '../lib/api.ts';
import { fullTime } from '../lib/time.ts';
import { CurrentPasswordField } from './CurrentPasswordField.tsx';
import { noPasswordNote, ownerProof } from './owner-proof.ts';
import { useHasPassword } from './use-has-password.ts';

/** Passkeys of this account: added with a name, listed with when they were added and last used, removed with proof of ownership. */
export function PasskeysSection() {
  const [passkeys, setPasskeys] = useState<Passkey[]>();
  const [loadError, setLoadError] = useState<string>();
  const [removing, setRemoving] = useState<Passkey>();
  // Asked once the section shows, so the removal form knows at once whether to ask for a password.
  const hasPassword = useHasPassword();

  const reload = () =>
    api.passkeys().then(
      ({ passkeys }) => setPasskeys(passkeys),
      (error: unknown) => setLoadError(formMessage(error)),
    );
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once; reload is called again after changes
  useEffect(() => void reload(), []);

  if (loadError) return <p className="field-note error">{loadError}</p>;
  if (!passkeys) return <p className="field-note hint">Loading…</p>;

  return (
    <div className="passkeys">
      <p className="field-note hint">
        A passkey signs you in with your fingerprint, face or device PIN instead of your password, and without a
        two-factor code.
      </p>
      {passkeys.length > 0 && (
        <ul className="passkey-list" aria-label="Your passkeys">
          {passkeys.map((passkey) => (
            <li key={passkey.id}>
              <div>
                <strong>{passkey.name}</strong>
                <span className="field-note hint">
                  Added {fullTime(passkey.createdAt)} ·{' '}
                  {passkey.lastUsedAt === null ? 'never used' : `last used ${fullTime(passkey.lastUsedAt)}`}
                </span>
              </div>
              <button type="button" className="button quiet" onClick={() => setRemoving(passkey)}>
                Remove<span className="sr-only"> {passkey.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {removing ? (
        <RemoveForm
          passkey={removing}
          hasPassword={hasPassword}
          onDone={() => {
            setRemoving(undefined);
            void reload();
          }}
          onCancel={() => setRemoving(undefined)}
        />
      ) : (
        <AddForm onAdded={() => void reload()} />
      )}
    </div>
  );
}

function AddForm({ onAdded }: { onAdded(): void }) {
  const [name, setName] = useState('');
  const add = async () => {
    const { options } = await api.passkeyRegistrationOptions();
    try {
      const response = await startRegistration({
        optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON,
      });
      await api.registerPasskey(name.trim() || 'Passkey', response);
    } catch (error) {
      // Shown by the form as it is: the browser's refusals are worded for people here.
      throw error instanceof ApiError ? error : new ApiError(0, 'passkey_cancelled', passkeyMessage(error));
    }
    setName('');
    onAdded();
  };
  return (
    <AuthForm submitLabel="Add a passkey" busyLabel="Waiting for your passkey…" onSubmit={add}>
      <Field
        label="Name of the new passkey"
        name="passkey-name"
        autoComplete="off"
        placeholder="e.g. Laptop"
        maxLength={PASSKEY_NAME_MAX}
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
    </AuthForm>
  );
}

/** Asks for the password, or, for an account without one, says that a recent sign-in is the proof. */
function RemoveForm({
  passkey,
  hasPassword,
  onDone,
  onCancel,
}: {
  passkey: Passkey;
  hasPassword: boolean;
  onDone(): void;
  onCancel(): void;
}) {
  const [password, setPassword] = useState('');
  return (
    <AuthForm
      submitLabel={`Remove “${passkey.name}”`}
      busyLabel="Removing…"
      onSubmit={async () => {
        await api.removePasskey(passkey.id, ownerProof(hasPassword, password));
        onDone();
      }}
    >
      {hasPassword ? (
        <CurrentPasswordField value={password} onChange={setPassword} label="Your password, to remove this passkey" />
      ) : (
        <p className="field-note hint">{noPasswordNote('removing it')}</p>
      )}
      <button type="button" className="button quiet" onClick={onCancel}>
        Cancel
      </button>
    </AuthForm>
  );
}
