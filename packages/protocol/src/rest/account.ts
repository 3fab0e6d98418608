import Type, { type Static } from 'typebox';
import { Timestamp } from '../entities.ts';

/** One signed-in session of the caller's account: a device, as far as the server can tell. */
export const DeviceSession = Type.Object({
  /** Names the session in DELETE /api/me/sessions/{id}; not the session's secret, nor its key. */
  id: Type.String(),
  /** `browser`: signed in with a cookie; `token`: a client holding a bearer token (scripts, apps). */
  kind: Type.Union([Type.Literal('browser'), Type.Literal('token')]),
  /** Browser name and major version from the User-Agent, e.g. "Firefox 133"; null when unknown. */
  browser: Type.Union([Type.String(), Type.Null()]),
  /** Operating system from the User-Agent, e.g. "Windows 10"; null when unknown. */
  os: Type.Union([Type.String(), Type.Null()]),
  /** The address the session was last seen from (behind a proxy, as TRUST_PROXY allows); null when not recorded. */
  ip: Type.Union([Type.String(), Type.Null()]),
  /** ISO 3166 country code of that address from an offline table (IPv4 only); null when unknown or private. */
  country: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  /** Last request or socket connection, recorded at most every few minutes; null when never seen. */
  lastActiveAt: Type.Union([Timestamp, Type.Null()]),
  /** True for the session this request was made with. */
  current: Type.Boolean(),
});
export type DeviceSession = Static<typeof DeviceSession>;

export const SessionsResponse = Type.Object({
  /** Most recently active first; the current session is among them. */
  sessions: Type.Array(DeviceSession),
});
export type SessionsResponse = Static<typeof SessionsResponse>;

export const SessionParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export type SessionParams = Static<typeof SessionParams>;

export const EndedSessionsResponse = Type.Object({
  /** How many sessions were signed out. */
  ended: Type.Integer({ minimum: 0 }),
});
export type EndedSessionsResponse = Static<typeof EndedSessionsResponse>;

/**
 * How fresh a sign-in must be to prove the owner of an account that has no password (one that signs
 * in only through an identity provider): 10 minutes.
 */
export const RECENT_SIGN_IN_MS = 10 * 60 * 1000;

/**
 * Proof that the person at the keyboard owns the account, for deleting it or removing a passkey:
 * the password; an account without one proves a sign-in of the last `RECENT_SIGN_IN_MS` instead
 * (`403 recent_sign_in_required` otherwise), so a browser merely left signed in is not enough.
 */
export const OwnerProofBody = Type.Object(
  {
    /** Required when the account has a password; one without (a provider's) sends none. */
    password: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type OwnerProofBody = Static<typeof OwnerProofBody>;

/** Exports of one account's data per hour: each reads all of its history. */
export const EXPORT_LIMIT = { perHour: 3 } as const;
