import type { ComponentType } from 'react';
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
import { SettingsScreen } from './settings/SettingsScreen.tsx';

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

  if (pathname === '/settings') return <SettingsScreen me={session.me} />;
  const conversation = /^\/c\/(\d+)$/.exec(pathname);
  if (pathname !== '/' && !conversation) return <Redirect to="/" />;
  return <ChatScreen me={session.me} conversationId={conversation ? Number(conversation[1]) : null} />;
}
