import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'chat-config-'));

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ DATA_DIR: dataDir(), ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('runs embedded on port 3000 when nothing is configured', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config.port).toBe(3000);
    expect(config.publicUrl.origin).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.uploadDir).toBe(path.join(config.dataDir, 'uploads'));
    expect(config.bcryptCost).toBe(12);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PUBLIC_URL: 'chat.example.com' }, 'PUBLIC_URL'],
    [{ DATABASE_URL: 'postgres://localhost/chat' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
    [{ SMTP_URL: 'mailto:x@example.com' }, 'SMTP_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT'],
    [{ BCRYPT_COST: '3' }, 'BCRYPT_COST'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '11' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.1, nginx' }, 'TRUST_PROXY'],
    [{ MAIL_RETRY_BASE_MS: '-5' }, 'MAIL_RETRY_BASE_MS'],
  ])('refuses %o, naming %s', (env, variable) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^${variable} `));
  });

  it('requires SESSION_SECRET in production when nodes share a database or Redis', () => {
    const production = { NODE_ENV: 'production' };
    expect(configError({ ...production, DATABASE_URL: 'mysql://root@127.0.0.1/chat' }).variable).toBe('SESSION_SECRET');
    expect(configError({ ...production, REDIS_URL: 'redis://127.0.0.1:6379' }).variable).toBe('SESSION_SECRET');
  });

  it('starts embedded in production without SESSION_SECRET, keeping a generated one in DATA_DIR', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir, NODE_ENV: 'production' }).sessionSecret;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig({ DATA_DIR: dir, NODE_ENV: 'production' }).sessionSecret).toBe(first);
  });

  it('generates a session secret once outside production and keeps it private in DATA_DIR', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).sessionSecret;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig({ DATA_DIR: dir }).sessionSecret).toBe(first);
    const file = path.join(dir, 'session-secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('trusts a number of proxy hops or a list of proxy addresses, never every hop', () => {
    const trust = (value: string) => loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: value }).trustProxy;
    expect(loadConfig({ DATA_DIR: dataDir() }).trustProxy).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('10.0.0.0/8, 127.0.0.1,::1')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(configError({ TRUST_PROXY: 'true' }).message).toMatch(/number of proxies/);
  });

  it('uses only the origin of PUBLIC_URL', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), PUBLIC_URL: 'https://chat.example.com/app/' }).publicUrl.href).toBe(
      'https://chat.example.com/',
    );
  });
});
