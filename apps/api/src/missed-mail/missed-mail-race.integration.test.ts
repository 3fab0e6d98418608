import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../../test/backends.ts';
import { type ChatUser, createChatUser, opened } from '../../test/chat-users.ts';
import { NodeProcess } from '../../test/node-process.ts';
import { createEnvironment, type TestEnvironment } from '../../test/server.ts';
import { TestSmtpServer } from '../../test/smtp.ts';

const PUBLIC_URL = 'http://chat.test';
const WAIT = { timeout: 30_000, interval: 100 };

/**
 * Two node processes whose sweeps both find the same due conversation and hold (failpoint) before
 * claiming it, so both try to decide at once: the conditional claim lets one of them mail.
 */
describe('missed-message mail, two nodes deciding at the same moment (mysql+redis)', () => {
  let environment: TestEnvironment;
  let smtp: TestSmtpServer;
  let nodes: NodeProcess[] = [];
  const clients: Array<{ close(): void }> = [];

  beforeAll(async () => {
    environment = await createEnvironment('mysql+redis');
    smtp = await TestSmtpServer.start();
    const env = {
      ...environment.backend.env,
      PUBLIC_URL,
      SMTP_URL: smtp.url,
      MISSED_MAIL_AFTER_MS: '1500',
      MAIL_RETRY_BASE_MS: '100',
      TRUST_PROXY: '1',
      BCRYPT_COST: '4',
      SESSION_SECRET: 'race-test-secret-'.padEnd(64, 'x'),
      FAILPOINTS: 'missed-mail.before-claim=delay(1000)',
    };
    nodes = await Promise.all([NodeProcess.start('a', env), NodeProcess.start('b', env)]);
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(nodes.map((node) => node.stop()));
    await smtp?.down();
    await environment?.dispose();
  });

  const newUser = (prefix: string): Promise<ChatUser> =>
    createChatUser(nodes[0]?.url ?? '', uniqueName(prefix).slice(0, 24), (email) =>
      smtp.waitForLink(email, /confirm/i, 30_000),
    );
  const missedTo = (user: ChatUser) =>
    smtp.mailsTo(user.me.email).filter((mail) => mail.subject.startsWith('New messages from'));

  async function write(from: ChatUser, to: ChatUser, text: string): Promise<void> {
    const { conversation } = await from.api.openConversation(to.me.id);
    const client = from.connect(nodes[0]?.url ?? '');
    clients.push(client);
    await opened(client);
    await client.send({ conversationId: conversation.id, text }).stored;
    client.close();
  }

  it('sends one mail', async () => {
    const [alice, bob, witness, late] = await Promise.all([
      newUser('alice'),
      newUser('bob'),
      newUser('witness'),
      newUser('late'),
    ]);
    await write(alice, bob, 'only once, please');
    await expect.poll(() => missedTo(bob).length, WAIT).toBeGreaterThan(0);

    // Written after both nodes' sweeps took up bob's: by the time its mail is in, theirs are over.
    await write(late, witness, 'witness');
    await expect.poll(() => missedTo(witness).length, WAIT).toBeGreaterThan(0);
    expect(missedTo(bob)).toHaveLength(1);
  });
});
