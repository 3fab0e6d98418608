import { type FormEvent, type ReactNode, useState } from 'react';
import { FormError } from './AuthLayout.tsx';
import { formMessage } from './notes.ts';

interface AuthFormProps {
  submitLabel: string;
  /** What the button says while the request runs (and cannot be sent twice). */
  busyLabel: string;
  /** Throws for a problem with the whole form; field problems it shows itself. */
  onSubmit(): Promise<void>;
  children: ReactNode;
}

/** A form of the screens before the chat: its fields, the problem it met, and one button. */
export function AuthForm({ submitLabel, busyLabel, onSubmit, children }: AuthFormProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      await onSubmit();
    } catch (caught) {
      setError(formMessage(caught));
    }
    setBusy(false);
  };

  return (
    // The fields' notes say what is wrong, as the user types; the browser's own bubbles would only repeat them.
    <form className="form" onSubmit={(event) => void submit(event)} noValidate>
      {children}
      <FormError>{error}</FormError>
      <button type="submit" className="button primary wide" disabled={busy}>
        {busy ? busyLabel : submitLabel}
      </button>
    </form>
  );
}
