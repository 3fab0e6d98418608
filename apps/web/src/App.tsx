import { type ComponentType, lazy, Suspense } from 'react';
import { AuthLayout } from './auth/AuthLayout.tsx';
import { CheckEmailScreen } from './auth/CheckEmailScreen.tsx';
import { ContinueWithProviderScreen } from './auth/ContinueWithProviderScreen.tsx';
import { ForgotPasswordScreen } from './auth/ForgotPasswordScreen.tsx';
import { LoginScreen } from './auth/LoginScreen.tsx';
import { ResetPasswordScreen } from './auth/ResetPasswordScreen.tsx';
import { SignupScreen } from './auth/SignupScreen.tsx';
import { VerifyScreen } from './auth/VerifyScreen.tsx';
import { ChatScreen } from './chat/ChatScreen.tsx';
import { Redirect, useLocation } from './lib/router.tsx';
import { loadSession, useSession } from './session/session.ts';

// Settings are opened now and then, not at every start: their code (two-factor, passkeys, devices…)
// loads when they are, keeping the first page load small.
const SettingsScreen = lazy(async () => ({ default: (await import('./settings/SettingsScreen.tsx')).SettingsScreen }));

/** Screens for people who are not signed in; a signed-in visitor is sent on to the chat. */
const SIGNED_OUT_SCREENS: Record<string, ComponentType> = {
  '/login': LoginScreen,
  '/signup': SignupScreen,
  '/forgot-password': ForgotPasswordScreen,
  // Back from an identity provider with no account linked yet.
  '/sign-in/continue': ContinueWithProviderScreen,
};

/** Which screen the address and the session call for. */
export function App() {
  const { pathname } = useLocation();
  const session = useSession();

  // Mail links work whoever is signed in, or nobody.
  if (pathname === '/verify') return <VerifyScreen />;
  if (pathname === '/confirm-email') return <VerifyScreen confirmation="email-change" />;
  if (pathname === '/reset-password') return <ResetPasswordScreen />;

  if (session.status === 'loading') return <p className="splash">Loading…</p>;
  if (session.status === 'unreachable') {
    return (
      <AuthLayout title="Chat cannot reach its server">
        <p>Check your connection, then try again.</p>
        <button type="button" className="button primary wide" onClick={() => void loadSession()}>
          Try again
        </button>
      </AuthLayout>
    );
  }
  const SignedOutScreen = SIGNED_OUT_SCREENS[pathname];
  if (session.status === 'signed-out') return SignedOutScreen ? <SignedOutScreen /> : <Redirect to="/login" />;
  if (SignedOutScreen) return <Redirect to="/" />;
  if (!session.me.emailVerified) return <CheckEmailScreen me={session.me} />;

  if (pathname === '/settings') {
    return (
      <Suspense fallback={<p className="splash">Loading…</p>}>
        <SettingsScreen me={session.me} />
      </Suspense>
    );
  }
  const conversation = /^\/c\/(\d+)$/.exec(pathname);
  if (pathname !== '/' && !conversation) return <Redirect to="/" />;
  return <ChatScreen me={session.me} conversationId={conversation ? Number(conversation[1]) : null} />;
}
