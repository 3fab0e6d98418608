import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createChatUser } from '../../test/chat-users.ts';
import { freePort, type ServerProcess, spawnServer, waitUntilServing } from '../../test/process.ts';
import { createEnvironment, type TestEnvironment } from '../../test/server.ts';

const PUBLIC_URL = 'http://chat.test';

describe('the server log at the default level', () => {
  let environment: TestEnvironment;
  let server: ServerProcess;

  beforeAll(async () => {
    environment = await createEnvironment('embedded');
    server = spawnServer(
      { ...environment.backend.env, PUBLIC_URL, TRUST_PROXY: '1', LOG_LEVEL: 'info' },
      await freePort(),
    );
    await waitUntilServing(server);
  });
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    await environment.dispose();
  });

  it('keeps no WebSocket ticket and no mailed token, though both went through it', async () => {
    const secrets: string[] = [];
    // Sign-up mails a verify link (logged without SMTP), and the link is opened with its ?token=.
    const user = await createChatUser(server.url);
    const mails = (await (await fetch(`${server.url}/dev/mailbox`)).json()) as Array<{ text: string }>;
    for (const mail of mails) {
      const token = new URL(mail.text.match(/https?:\/\/\S+/)?.[0] ?? 'http://x').searchParams.get('token');
      if (token) secrets.push(token);
    }
    await fetch(`${server.url}/verify?token=${secrets[0]}`);
    await fetch(`${server.url}/reset-password?token=${secrets[0]}&next=%2F`);
    // A ticketed WebSocket upgrade.
    const { ticket } = await user.api.wsTicket();
    secrets.push(ticket);
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws?v=1&ticket=${ticket}`);
    await new Promise((resolve) => socket.once('message', resolve));
    socket.close();

    await expect.poll(() => server.output()).toContain('/ws?v=1&ticket=[redacted]');
    const log = server.output();
    expect(log).toContain('/verify?token=[redacted]');
    expect(log).toContain('/reset-password?token=[redacted]&next=%2F');
    expect(secrets.length).toBe(2);
    for (const secret of secrets) {
      expect(log).not.toContain(secret);
      // The ticket's signature alone would do too.
      expect(log).not.toContain(secret.split('.').at(-1));
    }
  });
});
