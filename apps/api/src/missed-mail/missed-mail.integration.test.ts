import type { ErrorBody } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind, uniqueName } from '../../test/backends.ts';
import { type ChatUser, createChatUser, opened } from '../../test/chat-users.ts';
import { startTwoNodes, type TwoNodes } from '../../test/server.ts';
import { type ReceivedMail, TestSmtpServer } from '../../test/smtp.ts';
import { countPendingMails } from '../mail/outbox.ts';

const PUBLIC_URL = 'http://chat.test';
/** Short, so each case waits seconds; long enough that a read right after the send comes "in time". */
const AFTER_MS = 1000;
const MISSED = /^New messages from/;
const WAIT = { timeout: 20_000, interval: 100 };

describe.each(BACKENDS)('missed-message mail on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  let smtp: TestSmtpServer;
  /** Receives a mail at the end of each negative case: see settle(). */
  let witness: ChatUser;

  const newUser = (prefix: string) =>
    createChatUser(nodes.nodeA.url, uniqueName(prefix).slice(0, 24), (email) => smtp.waitForLink(email, /confirm/i));
  const missedMailsTo = (user: ChatUser): ReceivedMail[] =>
    smtp.mailsTo(user.me.email).filter((mail) => MISSED.test(mail.subject));

  /** `from` writes `texts` to `to` over a socket on node A; returns the conversation's id. */
  async function write(from: ChatUser, to: ChatUser, ...texts: string[]): Promise<number> {
    const { conversation } = await from.api.openConversation(to.me.id);
    const client = nodes.track(from.connect(nodes.nodeA.url));
    await opened(client);
    for (const text of texts) await client.send({ conversationId: conversation.id, text }).stored;
    client.close();
    return conversation.id;
  }

  /**
   * Waits until every node's sweeps have judged what was written before now: a message written now
   * to the witness comes due later than everything before it, sweeps take the oldest first, so once
   * the witness's mail arrived and the outbox is empty, any mail decided before it has been sent.
   */
  async function settle(): Promise<void> {
    const sender = await newUser('w');
    await write(sender, witness, 'witness');
    await expect
      .poll(() => missedMailsTo(witness).some((mail) => mail.subject.includes(sender.me.username)), WAIT)
      .toBe(true);
    await expect.poll(() => countPendingMails(nodes.nodeA.app.database.db), WAIT).toBe(0);
  }

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    nodes = await startTwoNodes(kind, {
      PUBLIC_URL,
      SMTP_URL: smtp.url,
      MISSED_MAIL_AFTER_MS: String(AFTER_MS),
      MAIL_RETRY_BASE_MS: '100',
      PRESENCE_GRACE_MS: '100',
      BCRYPT_COST: '4',
    });
    witness = await newUser('witness');
  });
  afterAll(async () => {
    await nodes?.close();
    await smtp?.down();
  });

  it('mails an offline user once, across two nodes: who wrote, an excerpt, the link, and the unsubscribe headers', async () => {
    const [alice, bob] = await Promise.all([newUser('alice'), newUser('bob')]);
    const conversationId = await write(alice, bob, 'See you at the station', 'at nine, by the clock');

    await expect.poll(() => missedMailsTo(bob).length, WAIT).toBe(1);
    const [mail] = missedMailsTo(bob);
    expect(mail?.subject).toBe(`New messages from ${alice.me.username}`);
    expect(mail?.text).toContain(`${alice.me.username} (2 new messages)`);
    expect(mail?.text).toContain('> See you at the station');
    expect(mail?.text).toContain('> at nine, by the clock');
    expect(mail?.text.match(/https?:\/\/\S+/)?.[0]).toBe(`${PUBLIC_URL}/c/${conversationId}`);
    expect(mail?.html).toContain('See you at the station');
    expect(mail?.headers.get('list-unsubscribe')).toMatch(
      /^<http:\/\/chat\.test\/api\/unsubscribe\/missed-mail\?token=\d+\.[\w-]{43}>$/,
    );
    expect(mail?.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    // More from alice within the window: no second mail, from either node.
    await write(alice, bob, 'are you there?');
    await settle();
    expect(missedMailsTo(bob)).toHaveLength(1);
  });

  it('lists every conversation that waited in one mail, though the second was not due yet', async () => {
    const [carol, dave, erin] = await Promise.all([newUser('carol'), newUser('dave'), newUser('erin')]);
    await write(carol, erin, 'from carol');
    // Half the delay apart: sweeps run four times a delay, so carol's comes due alone for a while.
    await new Promise((resolve) => setTimeout(resolve, AFTER_MS / 2));
    await write(dave, erin, 'from dave');
    await expect.poll(() => missedMailsTo(erin).length, WAIT).toBeGreaterThan(0);
    await settle();
    const text = missedMailsTo(erin)
      .map((mail) => mail.text)
      .join('\n');
    expect(text).toContain('> from carol');
    expect(text).toContain('> from dave');
    expect(missedMailsTo(erin)).toHaveLength(1);
  });

  it('is not sent to a user who was connected when the messages came, even after they leave', async () => {
    const [alice, bob] = await Promise.all([newUser('alice'), newUser('bob')]);
    const bobClient = nodes.track(bob.connect(nodes.nodeB.url));
    await opened(bobClient);
    await write(alice, bob, 'you are online');
    await settle();
    expect(missedMailsTo(bob)).toHaveLength(0);

    bobClient.close();
    await expect
      .poll(async () => (await nodes.nodeA.app.publicUsers.onlineOf([bob.me.id])).has(bob.me.id), WAIT)
      .toBe(false);
    await settle();
    expect(missedMailsTo(bob)).toHaveLength(0);
  });

  it('leaves out a message deleted for everyone, in the excerpt and the count', async () => {
    const [alice, bob] = await Promise.all([newUser('alice'), newUser('bob')]);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const client = nodes.track(alice.connect(nodes.nodeA.url));
    await opened(client);
    const wrong = await client.send({ conversationId: conversation.id, text: 'meant for someone else' }).stored;
    await client.send({ conversationId: conversation.id, text: 'hello bob' }).stored;
    await client.remove(wrong).settled;
    client.close();

    await expect.poll(() => missedMailsTo(bob).length, WAIT).toBe(1);
    const text = missedMailsTo(bob)[0]?.text ?? '';
    expect(text).toContain(`${alice.me.username} (1 new message):`);
    expect(text).toContain('> hello bob');
    expect(text).not.toContain('meant for someone else');
  });

  it('is not sent when the user read the messages in time', async () => {
    const [alice, bob] = await Promise.all([newUser('alice'), newUser('bob')]);
    const conversationId = await write(alice, bob, 'read me soon');
    await bob.api.markRead(conversationId, 1);
    await settle();
    expect(missedMailsTo(bob)).toHaveLength(0);
  });

  it('is not sent about a muted conversation, while the others are still mailed', async () => {
    const [alice, carol, bob] = await Promise.all([newUser('alice'), newUser('carol'), newUser('bob')]);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    await bob.api.openConversation(alice.me.id);
    await bob.api.setMuted(conversation.id, true);
    await Promise.all([write(alice, bob, 'muted, so no mail'), write(carol, bob, 'not muted')]);

    await expect.poll(() => missedMailsTo(bob).length, WAIT).toBe(1);
    await settle();
    expect(missedMailsTo(bob)).toHaveLength(1);
    const [mail] = missedMailsTo(bob);
    expect(mail?.subject).toBe(`New messages from ${carol.me.username}`);
    expect(mail?.text).toContain('> not muted');
    expect(mail?.text).not.toContain('muted, so no mail');
  });

  it('the setting turns it off, and leaves the other settings as they are', async () => {
    const [alice, bob] = await Promise.all([newUser('alice'), newUser('bob')]);
    expect(bob.me.missedMail).toBe(true);
    const { user } = await bob.api.updateSettings({ missedMail: false });
    expect(user).toMatchObject({ missedMail: false, readReceipts: true });
    await expect(bob.api.updateSettings({})).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    await write(alice, bob, 'nobody will mail you this');
    await settle();
    expect(missedMailsTo(bob)).toHaveLength(0);
  });

  it('one-click unsubscribes with the token alone, from anywhere; a forged or opened link does not', async () => {
    const [alice, bob, mallory] = await Promise.all([newUser('alice'), newUser('bob'), newUser('mallory')]);
    await write(alice, bob, 'first');
    await expect.poll(() => missedMailsTo(bob).length, WAIT).toBe(1);
    const url = /^<(.+)>$/.exec(missedMailsTo(bob)[0]?.headers.get('list-unsubscribe') ?? '')?.[1] ?? '';
    const unsubscribeAt = url.replace(PUBLIC_URL, nodes.nodeB.url);
    const oneClick = (target: string) =>
      fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example' },
        body: 'List-Unsubscribe=One-Click',
      });

    // Bob's signature with mallory's id: refused, and mallory still gets her mails.
    const forged = new URL(unsubscribeAt);
    forged.searchParams.set('token', `${mallory.me.id}.${forged.searchParams.get('token')?.split('.')[1]}`);
    const refused = await oneClick(forged.toString());
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('token_invalid');
    expect((await mallory.api.me()).user.missedMail).toBe(true);

    // Opening the link (a mail scanner does) only shows the button.
    const page = await fetch(unsubscribeAt);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect((await bob.api.me()).user.missedMail).toBe(true);

    // The exemption is this route's alone: another POST from that origin is still refused.
    const elsewhere = await fetch(`${nodes.nodeB.url}/api/auth/logout`, {
      method: 'POST',
      headers: { origin: 'https://mail.example', cookie: 'sid=x' },
    });
    expect(elsewhere.status).toBe(403);

    const done = await oneClick(unsubscribeAt);
    expect(done.status).toBe(200);
    expect((await bob.api.me()).user.missedMail).toBe(false);

    const carol = await newUser('carol');
    await write(carol, bob, 'after unsubscribing');
    await settle();
    expect(missedMailsTo(bob)).toHaveLength(1);
  });
});
