import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * What the callback must check against what comes back: the state (this browser started this
 * sign-in), the nonce (the ID token was minted for it) and the PKCE verifier (only this browser
 * can redeem the code). Kept in a signed, httpOnly cookie scoped to the OIDC routes, so any node can
 * finish the sign-in; SameSite=Lax still sends it on the provider's top-level redirect back.
 */
export interface OidcFlow {
  provider: string;
  state: string;
  nonce: string;
  verifier: string;
  /** The cookie's own lifetime is the browser's to keep; this one the server keeps. */
  expiresAt: number;
}

const FLOW_COOKIE = 'oidc_flow';
/** Long enough to sign in at the provider, type a password and approve; short enough to be no standing secret. */
export const FLOW_TTL_MS = 10 * 60_000;
export const OIDC_COOKIE_PATH = '/api/auth/oidc';

export function setFlowCookie(reply: FastifyReply, flow: OidcFlow, secure: boolean): void {
  reply.setCookie(FLOW_COOKIE, JSON.stringify(flow), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: OIDC_COOKIE_PATH,
    maxAge: FLOW_TTL_MS / 1000,
  });
}

/** The flow this browser started, if its cookie is intact and not expired. */
export function presentedFlow(request: FastifyRequest, now: number): OidcFlow | undefined {
  const raw = request.cookies[FLOW_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  const flow = parseFlow(unsigned.value);
  return flow && flow.expiresAt > now ? flow : undefined;
}

/** Each flow is used once: a replayed callback finds no cookie. */
export function clearFlowCookie(reply: FastifyReply): void {
  reply.clearCookie(FLOW_COOKIE, { path: OIDC_COOKIE_PATH });
}

function parseFlow(text: string): OidcFlow | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { provider, state, nonce, verifier, expiresAt } = value as Record<string, unknown>;
    const strings = [provider, state, nonce, verifier].every((field) => typeof field === 'string');
    if (!strings || typeof expiresAt !== 'number') return undefined;
    return value as OidcFlow;
  } catch {
    return undefined;
  }
}
