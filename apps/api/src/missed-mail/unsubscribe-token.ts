import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The unsubscribe link's token: the user's id and an HMAC of it under the server's secret. It never
 * expires (a mail is unsubscribed from months later) and needs no table; it does one thing only,
 * turning this user's missed-message mail off, so it is worth nothing to anyone else. The purpose
 * is part of what is signed, so no other HMAC made with the secret can pass for it.
 */
const PURPOSE = 'unsubscribe:missed-mail';

const signature = (secret: string, userId: number) =>
  createHmac('sha256', secret).update(`${PURPOSE}:${userId}`).digest('base64url');

export function unsubscribeToken(secret: string, userId: number): string {
  return `${userId}.${signature(secret, userId)}`;
}

/** The user the token was made for, or undefined when it was not made with this secret. */
export function verifyUnsubscribeToken(secret: string, token: string): number | undefined {
  const match = /^([1-9]\d{0,15})\.([\w-]{43})$/.exec(token);
  if (!match) return undefined;
  const userId = Number(match[1]);
  const expected = Buffer.from(signature(secret, userId));
  const given = Buffer.from(match[2] ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected) ? userId : undefined;
}
