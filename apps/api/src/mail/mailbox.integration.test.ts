import type { ErrorBody } from '@chat/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgent } from '../../test/http.ts';
import { createRemotePeer, type RemotePeer } from '../../test/netns.ts';
import { createEnvironment, type TestEnvironment } from '../../test/server.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';

const PUBLIC_URL = 'http://chat.test';

describe('the development mailbox, on the default start (every interface, no SMTP)', () => {
  let environment: TestEnvironment;
  let peer: RemotePeer;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    environment = await createEnvironment('embedded');
    peer = await createRemotePeer();
    // Trusting the proxy hop too, so a forged X-Forwarded-For would become request.ip.
    app = await buildApp(loadConfig({ ...environment.backend.env, PUBLIC_URL, TRUST_PROXY: '1', PORT: '0' }));
    await app.listen({ host: '0.0.0.0', port: 0 });
    port = (app.server.address() as { port: number }).port;
    await new TestAgent(`http://127.0.0.1:${port}`, PUBLIC_URL).post('/api/auth/signup', {
      username: 'mailbox_owner',
      email: 'owner@example.com',
      password: 'correct horse battery',
    });
  });
  afterAll(async () => {
    await app?.close();
    await peer?.dispose();
    await environment?.dispose();
  });

  it('hands the links to the person at this machine', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/dev/mailbox`);
    expect(response.status).toBe(200);
    const mails = (await response.json()) as Array<{ to: string; text: string }>;
    expect(mails.find((mail) => mail.to === 'owner@example.com')?.text).toContain('/verify?token=');
  });

  it('refuses another machine, and says why', async () => {
    const response = await peer.curl(`http://${peer.hostAddress}:${port}/dev/mailbox`);
    expect(response.status).toBe(403);
    const body = JSON.parse(response.body) as ErrorBody;
    expect(body.error.code).toBe('forbidden');
    expect(body.error.message).toMatch(/only be read from this machine/);
    expect(response.body).not.toContain('token=');
  });

  it('refuses another machine that claims to be localhost in X-Forwarded-For', async () => {
    for (const forged of ['127.0.0.1', '::1', `${peer.peerAddress}, 127.0.0.1`]) {
      const response = await peer.curl(`http://${peer.hostAddress}:${port}/dev/mailbox?to=owner@example.com`, {
        'x-forwarded-for': forged,
      });
      expect(response.status).toBe(403);
      expect(response.body).not.toContain('token=');
    }
  });
});
