import type { TwoFactorSetup, TwoFactorStatus } from '@chat/protocol';
import { useEffect, useState } from 'react';
import { AuthForm } from '../auth/AuthForm.tsx';
import { Field } from '../auth/Field.tsx';
import { formMessage } from '../auth/notes.ts';
import { api } from '../lib/api.ts';
import { CurrentPasswordField } from './CurrentPasswordField.tsx';

type Step =
  | { kind: 'idle' }
  | { kind: 'password' }
  | { kind: 'scan'; setup: TwoFactorSetup }
  | { kind: 'codes'; codes: string[] }
  | { kind: 'regenerate' }
  | { kind: 'disable' };

/** TOTP two-factor: set up with a QR code and a first code, recovery codes shown once, turned off with both factors. */
export function TwoFactorSection() {
  const [status, setStatus] = useState<TwoFactorStatus>();
  const [loadError, setLoadError] = useState<string>();
  const [step, setStep] = useState<Step>({ kind: 'idle' });

  const reload = () => api.twoFactorStatus().then(setStatus, (error: unknown) => setLoadError(formMessage(error)));
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once; reload is called again after changes
  useEffect(() => void reload(), []);

  if (loadError) return <p className="field-note error">{loadError}</p>;
  if (!status) return <p className="field-note hint">Loading…</p>;

  const showCodes = (codes: string[]) => {
    setStep({ kind: 'codes', codes });
    void reload();
  };

  switch (step.kind) {
    case 'password':
      return (
        <ConfirmPassword
          onSetup={(setup) => setStep({ kind: 'scan', setup })}
          onCancel={() => setStep({ kind: 'idle' })}
        />
      );
    case 'scan':
      return <ScanAndConfirm setup={step.setup} onEnabled={showCodes} onCancel={() => setStep({ kind: 'idle' })} />;
    case 'codes':
      return <RecoveryCodes codes={step.codes} onDone={() => setStep({ kind: 'idle' })} />;
    case 'regenerate':
      return <RegenerateForm onCodes={showCodes} onCancel={() => setStep({ kind: 'idle' })} />;
    case 'disable':
      return (
        <DisableForm
          onDisabled={() => {
            setStep({ kind: 'idle' });
            void reload();
          }}
          onCancel={() => setStep({ kind: 'idle' })}
        />
      );
    case 'idle':
      return status.enabled ? (
        <div className="two-factor">
          <p>
            <strong>On.</strong> Signing in asks for a code from your authenticator app after your password.{' '}
            {status.recoveryCodesLeft} recovery code{status.recoveryCodesLeft === 1 ? '' : 's'} left.
          </p>
          <div className="settings-actions">
            <button type="button" className="button" onClick={() => setStep({ kind: 'regenerate' })}>
              New recovery codes
            </button>
            <button type="button" className="button danger" onClick={() => setStep({ kind: 'disable' })}>
              Turn off two-factor
            </button>
          </div>
        </div>
      ) : (
        <div className="two-factor">
          <p className="field-note hint">
            Off. With two-factor on, signing in also asks for a code from an authenticator app on your phone.
          </p>
          <button type="button" className="button primary" onClick={() => setStep({ kind: 'password' })}>
            Set up two-factor
          </button>
        </div>
      );
  }
}

/** A code from the app (six digits) or a recovery code: the server tells them apart. */
function CodeField({ value, onChange }: { value: string; onChange(value: string): void }) {
  return (
    <Field
      label="Code from your app, or a recovery code"
      name="one-time-code"
      autoComplete="one-time-code"
      autoCapitalize="none"
      spellCheck={false}
      required
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

function RegenerateForm({ onCodes, onCancel }: { onCodes(codes: string[]): void; onCancel(): void }) {
  const [code, setCode] = useState('');
  return (
    <AuthForm
      submitLabel="Make new recovery codes"
      busyLabel="Making…"
      onSubmit={async () => onCodes((await api.regenerateRecoveryCodes(code.trim())).recoveryCodes)}
    >
      <p className="field-note hint">Your old recovery codes stop working.</p>
      <CodeField value={code} onChange={setCode} />
      <CancelButton onClick={onCancel} />
    </AuthForm>
  );
}

function CancelButton({ onClick }: { onClick(): void }) {
  return (
    <button type="button" className="button quiet" onClick={onClick}>
      Cancel
    </button>
  );
}

function ConfirmPassword({ onSetup, onCancel }: { onSetup(setup: TwoFactorSetup): void; onCancel(): void }) {
  const [password, setPassword] = useState('');
  return (
    <AuthForm
      submitLabel="Continue"
      busyLabel="Checking…"
      onSubmit={async () => onSetup(await api.setupTwoFactor(password))}
    >
      <CurrentPasswordField value={password} onChange={setPassword} />
      <CancelButton onClick={onCancel} />
    </AuthForm>
  );
}

function ScanAndConfirm({
  setup,
  onEnabled,
  onCancel,
}: {
  setup: TwoFactorSetup;
  onEnabled(codes: string[]): void;
  onCancel(): void;
}) {
  const [qr, setQr] = useState<string>();
  const [code, setCode] = useState('');
  useEffect(() => {
    // The QR library is needed here only: loaded when someone sets up two-factor.
    void import('qrcode').then((qrcode) => qrcode.toDataURL(setup.otpauthUrl, { margin: 1, width: 200 })).then(setQr);
  }, [setup.otpauthUrl]);
  return (
    <div className="two-factor-setup">
      <p>Scan this QR code with your authenticator app, then enter the code it shows.</p>
      {qr && (
        <img
          className="qr-code"
          src={qr}
          width={200}
          height={200}
          alt="QR code to add this account to an authenticator app"
        />
      )}
      <p>
        Or type this setup key into the app:{' '}
        <code className="setup-key" data-testid="setup-key">
          {setup.secret}
        </code>
      </p>
      <AuthForm
        submitLabel="Turn on two-factor"
        busyLabel="Checking…"
        onSubmit={async () => onEnabled((await api.enableTwoFactor(code.trim())).recoveryCodes)}
      >
        <Field
          label="Code from your app"
          name="one-time-code"
          autoComplete="one-time-code"
          inputMode="numeric"
          maxLength={7}
          required
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
        <CancelButton onClick={onCancel} />
      </AuthForm>
    </div>
  );
}

/** Shown once: the server keeps only their hashes. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone(): void }) {
  const [copied, setCopied] = useState(false);
  const text = `Chat recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  const download = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  useEffect(() => () => URL.revokeObjectURL(download), [download]);
  return (
    <div className="recovery-codes">
      <p>
        <strong>Save these recovery codes</strong> somewhere safe. If you lose your phone, each one signs you in once
        instead of a code. They are not shown again.
      </p>
      <ul aria-label="Recovery codes" className="recovery-code-list">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="settings-actions">
        <button
          type="button"
          className="button"
          onClick={() => void navigator.clipboard.writeText(text).then(() => setCopied(true))}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <a className="button" href={download} download="chat-recovery-codes.txt">
          Download
        </a>
        <button type="button" className="button primary" onClick={onDone}>
          I saved them
        </button>
      </div>
      <p className="sr-only" role="status">
        {copied ? 'Recovery codes copied.' : ''}
      </p>
    </div>
  );
}

function DisableForm({ onDisabled, onCancel }: { onDisabled(): void; onCancel(): void }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  return (
    <AuthForm
      submitLabel="Turn off two-factor"
      busyLabel="Turning off…"
      onSubmit={async () => {
        await api.disableTwoFactor(password, code.trim());
        onDisabled();
      }}
    >
      <CurrentPasswordField value={password} onChange={setPassword} />
      <CodeField value={code} onChange={setCode} />
      <CancelButton onClick={onCancel} />
    </AuthForm>
  );
}
