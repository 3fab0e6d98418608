import { ApiError, ChatApi } from '@chat/client';
import { CLOSE_CODES } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser, PASSWORD } from '../../test/chat-users.ts';
import { rawSocket } from '../../test/raw-socket.ts';
import { startTwoNodes, type TwoNodes } from '../../test/server.ts';
import { ACTIVITY_REFRESH_MS } from './sessions.ts';

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_ON_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
/** An address in the United Kingdom, by the offline country table. */
const UK_ADDRESS = '81.2.69.160';

/** Another device of the user: its own browser, address and session (a bearer token). */
async function signInFrom(baseUrl: string, user: ChatUser, userAgent: string, ip: string): Promise<ChatApi> {
  const api = new ChatApi({ baseUrl, headers: { 'user-agent': userAgent, 'x-forwarded-for': ip } });
  await api.login(user.me.username, PASSWORD, { issueToken: true });
  return api;
}

/** A socket of the device holding `api`, open once `ready` arrived. */
async function socketOf(baseUrl: string, api: ChatApi) {
  const { ticket } = await api.wsTicket();
  const socket = rawSocket(`${baseUrl.replace(/^http/, 'ws')}/ws?v=1&ticket=${ticket}`);
  await socket.next('ready');
  return socket;
}

const status = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof ApiError ? `${error.status} ${error.code}` : String(error)),
  );

describe.each(BACKENDS)('devices on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  beforeAll(async () => {
    nodes = await startTwoNodes(kind);
  });
  afterAll(async () => {
    await nodes.close();
  });

  it('lists every session with its browser, system, address, country and last activity, marking this one', async () => {
    const alice = await createChatUser(nodes.nodeA.url);
    const laptop = await signInFrom(nodes.nodeA.url, alice, FIREFOX_ON_WINDOWS, UK_ADDRESS);
    const { sessions } = await laptop.sessions();
    const current = sessions.filter((session) => session.current);
    expect(current).toEqual([
      expect.objectContaining({
        kind: 'token',
        browser: 'Firefox 133',
        os: 'Windows 10',
        ip: UK_ADDRESS,
        country: 'GB',
        lastActiveAt: expect.any(Number),
      }),
    ]);
    // The sign-up's browser session and the test's token session are there too, unmarked.
    expect(sessions).toHaveLength(3);
    expect(sessions.map((session) => session.kind).sort()).toEqual(['browser', 'token', 'token']);
    expect(new Set(sessions.map((session) => session.id)).size).toBe(3);
  });

  it("signs one device out: its socket closes at once on the other node, the others' stay", async () => {
    const alice = await createChatUser(nodes.nodeA.url);
    const phone = await signInFrom(nodes.nodeA.url, alice, SAFARI_ON_IPHONE, '10.1.2.3');
    const phoneSocket = await socketOf(nodes.nodeB.url, phone);
    const mySocket = await socketOf(nodes.nodeB.url, alice.api);
    const target = (await alice.api.sessions()).sessions.find((session) => session.browser === 'Safari 17');
    expect(target).toMatchObject({ os: 'iOS 17', current: false });

    await alice.api.endSession(target?.id ?? '');
    expect(await phoneSocket.closed).toBe(CLOSE_CODES.unauthenticated);
    expect(await status(phone.me())).toBe('401 unauthenticated');
    mySocket.send({ type: 'ping', ref: 'still-here' });
    expect(await mySocket.next('pong')).toMatchObject({ ref: 'still-here' });
    expect((await alice.api.sessions()).sessions.map((session) => session.id)).not.toContain(target?.id);
    mySocket.close();
  });

  it('signs out every other device, keeping this one', async () => {
    const alice = await createChatUser(nodes.nodeA.url);
    const phone = await signInFrom(nodes.nodeA.url, alice, SAFARI_ON_IPHONE, '10.1.2.3');
    const phoneSocket = await socketOf(nodes.nodeB.url, phone);
    const laptop = await signInFrom(nodes.nodeA.url, alice, FIREFOX_ON_WINDOWS, UK_ADDRESS);

    expect(await laptop.endOtherSessions()).toEqual({ ended: 3 });
    expect(await phoneSocket.closed).toBe(CLOSE_CODES.unauthenticated);
    expect(await status(alice.api.me())).toBe('401 unauthenticated');
    const { sessions } = await laptop.sessions();
    expect(sessions).toEqual([expect.objectContaining({ current: true, browser: 'Firefox 133' })]);
  });

  it('records activity at most every few minutes, on requests and on socket connections', async () => {
    const alice = await createChatUser(nodes.nodeA.url);
    const laptop = await signInFrom(nodes.nodeA.url, alice, FIREFOX_ON_WINDOWS, UK_ADDRESS);
    const db = nodes.nodeA.app.database.db;
    const activeAt = async () => (await laptop.sessions()).sessions.find((s) => s.current)?.lastActiveAt ?? 0;
    const setActiveAgo = (ms: number) =>
      db
        .updateTable('sessions')
        .set({ last_active_at: Date.now() - ms })
        .where('user_id', '=', alice.me.id)
        .where('kind', '=', 'token')
        .where('user_agent', '=', FIREFOX_ON_WINDOWS)
        .execute();

    // A minute ago: a request does not write it again.
    await setActiveAgo(60_000);
    expect(Date.now() - (await activeAt())).toBeGreaterThanOrEqual(60_000);
    // Ten minutes ago: the next request does.
    await setActiveAgo(ACTIVITY_REFRESH_MS * 2);
    await laptop.me();
    expect(Date.now() - (await activeAt())).toBeLessThan(ACTIVITY_REFRESH_MS);
    // A socket counts too: its connection writes it, on the other node.
    await setActiveAgo(ACTIVITY_REFRESH_MS * 2);
    const before = Date.now();
    const { ticket } = await laptop.wsTicket();
    await setActiveAgo(ACTIVITY_REFRESH_MS * 2);
    const socket = rawSocket(`${nodes.nodeB.url.replace(/^http/, 'ws')}/ws?v=1&ticket=${ticket}`);
    await socket.next('ready');
    const rows = await db.selectFrom('sessions').select('last_active_at').where('user_id', '=', alice.me.id).execute();
    expect(rows.some((row) => (row.last_active_at ?? 0) >= before)).toBe(true);
    socket.close();
  });

  it("answers 404 for a session that is not the caller's, and leaves it alone", async () => {
    const alice = await createChatUser(nodes.nodeA.url);
    const bob = await createChatUser(nodes.nodeA.url);
    const bobs = (await bob.api.sessions()).sessions.find((session) => session.current);
    expect(await status(alice.api.endSession(bobs?.id ?? ''))).toBe('404 not_found');
    expect(await status(alice.api.endSession('made-up'))).toBe('404 not_found');
    expect(await status(bob.api.me())).toBe('ok');
  });
});
