import type { ReactNode } from 'react';
import { useDocumentTitle } from '../ui/use-document-title.ts';

/** The frame of every screen before the chat: the name of the product and one card. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  useDocumentTitle(`${title} · Chat`);
  return (
    <main className="auth">
      <div className="auth-card">
        <p className="brand" aria-hidden="true">
          Chat
        </p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** A problem with the whole form, announced as it appears. */
export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="form-error" role="alert">
      {children}
    </p>
  );
}
