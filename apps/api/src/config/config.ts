import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import path from 'node:path';
import { DEFAULT_UPLOAD_MAX_BYTES, MESSAGE_CHANGES } from '@chat/protocol';
import { ConfigError, type Env, readVar } from './env.ts';
import { type OidcProviderConfig, oidcProviders } from './oidc-providers.ts';

export { ConfigError } from './env.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** auto: readable lines on a terminal, JSON (one object a line, for log collectors) otherwise. */
export type LogFormat = 'auto' | 'pretty' | 'json';

export interface Config {
  production: boolean;
  host: string;
  port: number;
  /** Where users reach the app; mail links and the CSRF origin check derive from it. */
  publicUrl: URL;
  dataDir: string;
  /** mysql://… for MySQL/MariaDB; undefined for the embedded SQLite database under dataDir. */
  databaseUrl: string | undefined;
  /** redis://…; undefined for the in-process bus and in-memory shared state (one node only). */
  redisUrl: string | undefined;
  /** Prefix for every Redis key and channel, so several deployments (or test runs) share one Redis. */
  redisPrefix: string;
  /** smtp(s)://…; undefined logs mails and keeps them readable at /dev/mailbox. */
  smtpUrl: string | undefined;
  mailFrom: string;
  uploadDir: string;
  /** Larger pictures are refused while they stream in. */
  uploadMaxBytes: number;
  sessionSecret: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Bearer token that /metrics requires; unset, /metrics answers loopback peers only. */
  metricsToken: string | undefined;
  bcryptCost: number;
  /**
   * Whose X-Forwarded-For entries name the client (rate limits): false for none, a number of proxy
   * hops in front of the node, or the proxies' addresses and CIDR ranges. Never "every hop": the
   * left-most entry is whatever the client wrote.
   */
  trustProxy: false | number | string[];
  /** How long a user stays online after their last connection closed: a reload or a blip never shows them offline. */
  presenceGraceMs: number;
  /**
   * WebSocket pings go out this often; a peer that answered neither the last ping nor with any frame
   * is dropped. Well under the 60 s idle timeout of common load balancers.
   */
  wsHeartbeatMs: number;
  /** First retry delay of the mail queue; each further retry doubles it. */
  mailRetryBaseMs: number;
  /** How long after sending a message its sender may still edit it or delete it for everyone. */
  editWindowMs: number;
  missedMail: {
    /** Unread messages this old, of a user with no open connection, are mailed to them. */
    afterMs: number;
    /** A conversation is mailed about at most once in this long, however much more arrives. */
    windowMs: number;
  };
  bot: {
    /** in-process: the robot runs inside a server node; off: it runs elsewhere (`pnpm bot`) or not at all. */
    mode: 'in-process' | 'off';
    /** An OpenAI-compatible chat-completions API (its base URL); unset uses the offline responder. */
    apiUrl: string | undefined;
    apiKey: string | undefined;
    model: string;
    /** Each call to the API gives up after this long; the user then gets a friendly apology. */
    timeoutMs: number;
    /** Where `pnpm bot` connects; PUBLIC_URL when unset. */
    serverUrl: string | undefined;
  };
  /**
   * The built web client; when the folder is missing, or WEB_DIR is unset and no workspace web
   * client is installed (the production image sets WEB_DIR), the API runs alone.
   */
  webDir: string | undefined;
  /** OpenID Connect providers people may sign in with, in the order OIDC_PROVIDERS lists them. */
  oidcProviders: OidcProviderConfig[];
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** Secrets shorter than this are guessable; 32 characters of hex carry 128 bits. */
const MIN_SECRET_LENGTH = 32;
const SESSION_SECRET_FILE = 'session-secret';
/**
 * Resolved through the workspace link, so it holds from the sources and from the bundle alike.
 * Only when WEB_DIR is unset: a deployed server has no workspace, and must not fail to load for it.
 */
function workspaceWebDir(): string | undefined {
  try {
    return path.join(path.dirname(createRequire(import.meta.url).resolve('@chat/web/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readVar(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

function url(env: Env, name: string, protocols: readonly string[]): URL | undefined {
  const raw = readVar(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (got "${raw}")`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')} (got "${raw}")`);
  }
  return parsed;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = readVar(env, name);
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  return raw as T;
}

function secret(env: Env, name: string): string | undefined {
  const value = readVar(env, name);
  if (value !== undefined && value.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(name, `must be at least ${MIN_SECRET_LENGTH} characters long`);
  }
  return value;
}

/** More proxies than this in front of a node is a configuration mistake, not a deployment. */
const MAX_PROXY_HOPS = 10;

/**
 * TRUST_PROXY: a hop count (1 behind one load balancer) or a comma-separated list of proxy addresses
 * and CIDR ranges. "true" is refused: trusting every hop lets a client choose its own address.
 */
function trustProxy(env: Env): false | number | string[] {
  const raw = readVar(env, 'TRUST_PROXY');
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true') {
    throw new ConfigError(
      'TRUST_PROXY',
      'must be the number of proxies in front of this node (1 behind one load balancer) or their addresses: "true" would let clients choose their own address',
    );
  }
  if (/^\d+$/.test(raw)) return integer(env, 'TRUST_PROXY', 0, 0, MAX_PROXY_HOPS) || false;
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!isAddressOrRange(entry)) {
      throw new ConfigError(
        'TRUST_PROXY',
        `must be a number of proxy hops or a comma-separated list of addresses and CIDR ranges (got "${entry}")`,
      );
    }
  }
  return entries;
}

/**
 * TRUST_PROXY as Fastify takes it. Fastify refuses to trust a bare hop count (the immediate peer
 * cannot be checked), so a count becomes a function: the peer and the next hops-1 entries are
 * proxies. That holds only while the nodes are reachable through the proxy alone, as in the
 * shipped docker-compose.yml; anywhere else give the proxies' addresses.
 */
export function proxyTrust(
  trust: Config['trustProxy'],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * A missing secret is generated once and kept in DATA_DIR, so sessions survive restarts without
 * anyone configuring anything: on the embedded default whatever NODE_ENV says (one node, its own
 * state), and outside production always. Nodes that share a database or Redis must share the secret
 * too (each would refuse the others' cookies and tickets), so there, in production, a missing one
 * is a deployment mistake.
 */
function sessionSecret(env: Env, production: boolean, sharedState: boolean, dataDir: string): string {
  const configured = secret(env, 'SESSION_SECRET');
  if (configured !== undefined) return configured;
  if (production && sharedState) {
    throw new ConfigError(
      'SESSION_SECRET',
      'is required in production when DATABASE_URL or REDIS_URL is set (every node needs the same one)',
    );
  }
  const file = path.join(dataDir, SESSION_SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const generated = randomBytes(32).toString('hex');
  writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return generated;
}

function webDir(env: Env): string | undefined {
  const configured = readVar(env, 'WEB_DIR');
  return configured === undefined ? workspaceWebDir() : path.resolve(configured);
}

/** Parses and validates the whole environment once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? new URL(`http://localhost:${port}`);
  const dataDir = path.resolve(readVar(env, 'DATA_DIR') ?? './data');
  const databaseUrl = url(env, 'DATABASE_URL', ['mysql:', 'mariadb:']);
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const smtpUrl = url(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  return {
    production,
    host: readVar(env, 'HOST') ?? '0.0.0.0',
    port,
    publicUrl: new URL(publicUrl.origin),
    dataDir,
    databaseUrl: databaseUrl?.toString(),
    redisUrl: redisUrl?.toString(),
    redisPrefix: readVar(env, 'REDIS_PREFIX') ?? 'chat:',
    smtpUrl: smtpUrl?.toString(),
    mailFrom: readVar(env, 'MAIL_FROM') ?? `Chat <no-reply@${publicUrl.hostname}>`,
    uploadDir: path.resolve(readVar(env, 'UPLOAD_DIR') ?? path.join(dataDir, 'uploads')),
    uploadMaxBytes: integer(env, 'UPLOAD_MAX_BYTES', DEFAULT_UPLOAD_MAX_BYTES, 1024, 100 * 1024 * 1024),
    sessionSecret: sessionSecret(env, production, databaseUrl !== undefined || redisUrl !== undefined, dataDir),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['auto', 'pretty', 'json'] as const, 'auto'),
    metricsToken: secret(env, 'METRICS_TOKEN'),
    bcryptCost: integer(env, 'BCRYPT_COST', 12, 4, 15),
    trustProxy: trustProxy(env),
    presenceGraceMs: integer(env, 'PRESENCE_GRACE_MS', 10_000, 0, 300_000),
    wsHeartbeatMs: integer(env, 'WS_HEARTBEAT_MS', 25_000, 100, 600_000),
    mailRetryBaseMs: integer(env, 'MAIL_RETRY_BASE_MS', 1000, 10, 3_600_000),
    editWindowMs: integer(env, 'EDIT_WINDOW_MS', MESSAGE_CHANGES.defaultEditWindowMs, 0, 365 * 24 * 3_600_000),
    missedMail: {
      afterMs: integer(env, 'MISSED_MAIL_AFTER_MS', 10 * 60_000, 500, 7 * 24 * 3_600_000),
      windowMs: integer(env, 'MISSED_MAIL_WINDOW_MS', 3 * 3_600_000, 0, 30 * 24 * 3_600_000),
    },
    bot: {
      mode: oneOf(env, 'BOT_MODE', ['in-process', 'off'] as const, 'in-process'),
      apiUrl: url(env, 'BOT_API_URL', ['http:', 'https:'])?.toString(),
      apiKey: readVar(env, 'BOT_API_KEY'),
      model: readVar(env, 'BOT_MODEL') ?? 'gpt-4o-mini',
      timeoutMs: integer(env, 'BOT_TIMEOUT_MS', 20_000, 100, 300_000),
      serverUrl: url(env, 'BOT_SERVER_URL', ['http:', 'https:'])?.origin,
    },
    webDir: webDir(env),
    oidcProviders: oidcProviders(env),
  };
}
