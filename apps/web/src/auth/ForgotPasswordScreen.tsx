import { useState } from 'react';
import { api } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { AuthForm } from './AuthForm.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { Field } from './Field.tsx';

export function ForgotPasswordScreen() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string>();

  const askForLink = async () => {
    await api.forgotPassword(email.trim());
    setSentTo(email.trim());
  };

  if (sentTo) {
    return (
      <AuthLayout title="Check your email">
        {/* The server answers the same for unknown addresses, so as not to tell who has an account. */}
        <p role="status">
          If an account uses <strong>{sentTo}</strong>, we sent it a link to choose a new password. The link works for
          one hour.
        </p>
        <p className="auth-alternative">
          <Link href="/login">Back to log in</Link>
        </p>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Forgot your password?">
      <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
      <AuthForm submitLabel="Send the link" busyLabel="Sending…" onSubmit={askForLink}>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </AuthForm>
      <p className="auth-alternative">
        <Link href="/login">Back to log in</Link>
      </p>
    </AuthLayout>
  );
}
