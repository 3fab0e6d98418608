import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind, uniqueName } from '../../test/backends.ts';
import { type ChatUser, createChatUser, opened } from '../../test/chat-users.ts';
import { NodeProcess } from '../../test/node-process.ts';
import { createEnvironment, type TestEnvironment } from '../../test/server.ts';
import { TestSmtpServer } from '../../test/smtp.ts';

const PUBLIC_URL = 'http://chat.test';
const WAIT = { timeout: 30_000, interval: 100 };

/** Node processes on `kind` with `env` and SMTP to a server of their own, for the tests of the calling describe block. */
function nodesWithMail(kind: BackendKind, count: number, env: Record<string, string>) {
  let environment: TestEnvironment;
  let smtp: TestSmtpServer;
  let nodes: NodeProcess[] = [];
  const clients: Array<{ close(): void }> = [];

  beforeAll(async () => {
    environment = await createEnvironment(kind);
    smtp = await TestSmtpServer.start();
    const shared = {
      ...environment.backend.env,
      PUBLIC_URL,
      SMTP_URL: smtp.url,
      MAIL_RETRY_BASE_MS: '100',
      TRUST_PROXY: '1',
      BCRYPT_COST: '4',
      BOT_MODE: 'off',
      SESSION_SECRET: 'race-test-secret-'.padEnd(64, 'x'),
      ...env,
    };
    // One after the other, as in test/faults/cluster.ts: the first migrates, the second finds it done.
    nodes = [];
    for (let i = 0; i < count; i++) nodes.push(await NodeProcess.start(`n${i}`, shared));
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(nodes.map((node) => node.stop()));
    await smtp?.down();
    await environment?.dispose();
  });

  const url = () => nodes[0]?.url ?? '';
  const newUser = (prefix: string): Promise<ChatUser> =>
    createChatUser(url(), uniqueName(prefix).slice(0, 24), (email) => smtp.waitForLink(email, /confirm/i, 30_000));
  /** The four each case needs: a writer, a reader, and a witness with a late writer to tell when the sweeps are over. */
  const cast = () => Promise.all([newUser('alice'), newUser('bob'), newUser('witness'), newUser('late')]);
  const missedTo = (user: ChatUser) =>
    smtp.mailsTo(user.me.email).filter((mail) => mail.subject.startsWith('New messages from'));
  const connect = async (user: ChatUser) => {
    const client = user.connect(url());
    clients.push(client);
    await opened(client);
    return client;
  };
  /** `from` writes `text` to `to` over a socket of its own, closed after; returns the conversation's id. */
  async function write(from: ChatUser, to: ChatUser, text: string): Promise<number> {
    const { conversation } = await from.api.openConversation(to.me.id);
    const client = await connect(from);
    await client.send({ conversationId: conversation.id, text }).stored;
    client.close();
    return conversation.id;
  }
  return { cast, missedTo, connect, write, output: () => nodes.map((node) => node.output()).join('') };
}

/**
 * Two node processes whose sweeps both find the same due conversation and hold (failpoint) before
 * claiming it, so both try to decide at once: the conditional claim lets one of them mail.
 */
describe('missed-message mail, two nodes deciding at the same moment (mysql+redis)', () => {
  const { cast, missedTo, write } = nodesWithMail('mysql+redis', 2, {
    MISSED_MAIL_AFTER_MS: '1500',
    FAILPOINTS: 'missed-mail.before-claim=delay(1000)',
  });

  it('sends one mail', async () => {
    const [alice, bob, witness, late] = await cast();
    await write(alice, bob, 'only once, please');
    await expect.poll(() => missedTo(bob).length, WAIT).toBeGreaterThan(0);

    // Written after both nodes' sweeps took up bob's: by the time its mail is in, theirs are over.
    await write(late, witness, 'witness');
    await expect.poll(() => missedTo(witness).length, WAIT).toBeGreaterThan(0);
    expect(missedTo(bob)).toHaveLength(1);
  });
});

/**
 * A user who leaves is held (failpoint) on their way offline, well past the mail's delay, while the
 * missed-mail sweep runs every quarter of it: whenever it finds them offline it must also find when
 * they were last here, or what they saw come in looks missed.
 */
describe.each(BACKENDS)('missed-message mail, a user going offline while the sweep runs (%s)', (kind) => {
  const HOLD_MS = 4000;
  const { cast, missedTo, connect, write, output } = nodesWithMail(kind, 1, {
    MISSED_MAIL_AFTER_MS: '1000',
    PRESENCE_GRACE_MS: '100',
    FAILPOINTS: `presence.before-offline=delay(${HOLD_MS})`,
  });
  const holds = () => output().split('failpoint presence.before-offline reached').length - 1;

  it('is not sent about what came while they were connected', async () => {
    const [alice, bob, witness, late] = await cast();
    const bobClient = await connect(bob);
    const conversationId = await write(alice, bob, 'seen coming in, not read');
    const before = holds();
    bobClient.close();
    await expect.poll(holds, WAIT).toBeGreaterThan(before);
    await expect
      .poll(async () => (await alice.api.conversation(conversationId)).conversation.peer.presence.online, WAIT)
      .toBe(false);

    // Written once bob is offline: by the time its mail is in, every sweep that saw bob was over.
    await write(late, witness, 'witness');
    await expect.poll(() => missedTo(witness).length, WAIT).toBeGreaterThan(0);
    expect(missedTo(bob)).toHaveLength(0);
  });
});
