import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** A year: the usual HSTS lifetime; only ever sent when PUBLIC_URL is https. */
const HSTS_MAX_AGE_S = 365 * 24 * 60 * 60;

/**
 * What the built web client loads, and nothing more: its own scripts and styles; pictures from
 * here, from blob: (a picked file's preview) and data: (the inline favicon); the API and the
 * WebSocket at PUBLIC_URL. The app is never framed, so clickjacking has nothing to hold.
 */
export function contentSecurityPolicy(publicUrl: URL): Record<string, string[]> {
  const socketOrigin = `${publicUrl.protocol === 'https:' ? 'wss:' : 'ws:'}//${publicUrl.host}`;
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'blob:', 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'", socketOrigin],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  };
}

/**
 * Security headers on every answer, the web client's and the API's: the CSP above, no Referer (a
 * page's URL can hold a mailed token), no MIME sniffing, and HSTS when the site is https. A route
 * may set a stricter CSP of its own (pictures do); its header replaces this one.
 */
export async function registerSecurityHeaders(app: FastifyInstance, publicUrl: URL): Promise<void> {
  const https = publicUrl.protocol === 'https:';
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(publicUrl) },
    referrerPolicy: { policy: 'no-referrer' },
    xContentTypeOptions: true,
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: https ? { maxAge: HSTS_MAX_AGE_S, includeSubDomains: false } : false,
  });
}
