import { type AnchorHTMLAttributes, type MouseEvent, useEffect } from 'react';
import { createStore, useStore } from './store.ts';

/** The part of the address the app routes on. */
export interface AppLocation {
  pathname: string;
  search: URLSearchParams;
}

const readLocation = (): AppLocation => ({
  pathname: window.location.pathname,
  search: new URLSearchParams(window.location.search),
});

const locationStore = createStore<AppLocation>(readLocation());
window.addEventListener('popstate', () => locationStore.set(readLocation()));

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  locationStore.set(readLocation());
}

export const useLocation = (): AppLocation => useStore(locationStore, (location) => location);

/** Sends the browser elsewhere without leaving the page's entry behind in the history. */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** An ordinary link that the app follows itself, unless the user asks for a new tab or window. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0;
    if (event.defaultPrevented || modified) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}
