import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RealtimeClient } from '@chat/client';
import { CLOSE_CODES, WS_LIMITS } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ChatUser, createChatUser, opened, PASSWORD } from '../../test/chat-users.ts';
import { TestAgent } from '../../test/http.ts';
import { freePort, spawnServer, waitUntilServing } from '../../test/process.ts';
import { rawSocket } from '../../test/raw-socket.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';
import { issueWsTicket, WS_TICKET_TTL_MS } from '../auth/ws-ticket.ts';

const PUBLIC_URL = 'http://chat.test';

describe('the WebSocket gateway (embedded default)', () => {
  let environment: TestEnvironment;
  let server: TestServer;
  let wsUrl: string;
  let alice: ChatUser;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    environment = await createEnvironment('embedded');
    server = await startServer({ ...environment.backend.env, PUBLIC_URL, TRUST_PROXY: '1' });
    wsUrl = `${server.url.replace('http', 'ws')}/ws`;
    alice = await createChatUser(server.url);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.close();
    await environment.dispose();
  });

  const ticketed = async (user: ChatUser) => rawSocket(`${wsUrl}?v=1&ticket=${(await user.api.wsTicket()).ticket}`);

  it.each([
    ['no version', ''],
    ['another version', '?v=999'],
  ])('refuses a client with %s, saying so before closing', async (_, query) => {
    const client = rawSocket(`${wsUrl}${query}`);
    expect(await client.closed).toBe(CLOSE_CODES.protocolVersionUnsupported);
    expect(client.frames[0]).toMatchObject({ type: 'error', code: 'protocol_version_unsupported' });
    expect((client.frames[0] as { message: string }).message).toContain('?v=1');
  });

  it('refuses a connection without a session, or with a forged ticket', async () => {
    const anonymous = rawSocket(`${wsUrl}?v=1`);
    expect(await anonymous.closed).toBe(CLOSE_CODES.unauthenticated);
    expect(anonymous.frames[0]).toMatchObject({ type: 'error', code: 'unauthenticated' });
    const forged = rawSocket(`${wsUrl}?v=1&ticket=eyJzIjoieCIsImV4cCI6OTk5OTk5OTk5OTk5OX0.bad`);
    expect(await forged.closed).toBe(CLOSE_CODES.unauthenticated);
  });

  it('turns away an expired ticket as retryable, and the client library comes back with a new one', async () => {
    // A ticket for Alice's session that expired a second ago, as if the socket had been slow to arrive.
    const fresh = (await alice.api.wsTicket()).ticket;
    const { s: sessionIdHash } = JSON.parse(Buffer.from(fresh.split('.')[0] ?? '', 'base64url').toString());
    const expired = issueWsTicket(server.app.config.sessionSecret, sessionIdHash, Date.now() - WS_TICKET_TTL_MS - 1000);
    const raw = rawSocket(`${wsUrl}?v=1&ticket=${expired.ticket}`);
    expect(await raw.closed).toBe(CLOSE_CODES.ticketExpired);
    expect(raw.frames[0]).toMatchObject({ type: 'error', code: 'ticket_expired' });

    const tickets = [expired.ticket];
    const client = new RealtimeClient({
      baseUrl: server.url,
      WebSocket: WebSocket as never,
      ticket: async () => tickets.shift() ?? (await alice.api.wsTicket()).ticket,
    });
    clients.push(client);
    const states: string[] = [];
    client.on('status', (status) => states.push(status.state));
    client.connect();
    await opened(client);
    expect(states).toEqual(['connecting', 'waiting', 'connecting', 'open']);
  });

  it('refuses a browser on another origin', async () => {
    const client = rawSocket(`${wsUrl}?v=1`, { origin: 'http://evil.test' });
    expect(await client.closed).toBe(CLOSE_CODES.policyViolation);
    expect(client.frames[0]).toMatchObject({ type: 'error', code: 'bad_origin' });
  });

  it('refuses a signed-in user who has not confirmed their address', async () => {
    const agent = new TestAgent(server.url, PUBLIC_URL);
    await agent.post('/api/auth/signup', {
      username: `unverified${Date.now()}`,
      email: `u${Date.now()}@example.com`,
      password: PASSWORD,
    });
    const client = rawSocket(`${wsUrl}?v=1`, { origin: PUBLIC_URL, cookie: `sid=${agent.cookie('sid')}` });
    expect(await client.closed).toBe(CLOSE_CODES.forbidden);
    expect(client.frames[0]).toMatchObject({ type: 'error', code: 'email_not_verified' });
  });

  it('accepts the session cookie from the right origin, a bearer header, and a ticket', async () => {
    const agent = new TestAgent(server.url, PUBLIC_URL);
    await agent.post('/api/auth/login', { login: alice.me.username, password: PASSWORD });
    const byCookie = rawSocket(`${wsUrl}?v=1`, { origin: PUBLIC_URL, cookie: `sid=${agent.cookie('sid')}` });
    const byBearer = rawSocket(`${wsUrl}?v=1`, { authorization: `Bearer ${alice.api.token}` });
    const byTicket = await ticketed(alice);
    for (const client of [byCookie, byBearer, byTicket]) {
      expect(await client.next('ready')).toMatchObject({ type: 'ready', protocolVersion: 1, userId: alice.me.id });
      client.socket.close();
    }
  });

  it('answers bad frames with error frames and keeps the connection', async () => {
    const client = await ticketed(alice);
    await client.next('ready');
    client.send('{"type":');
    expect(await client.next('error')).toMatchObject({ code: 'malformed_frame' });
    client.send({ type: 'teleport' });
    expect(await client.next('error')).toMatchObject({ code: 'unknown_frame', frame: 'teleport' });
    client.send({ type: 'send', clientId: 'long', userId: 1, text: 'x'.repeat(WS_LIMITS.maxTextLength + 1) });
    expect(await client.next('error')).toMatchObject({ code: 'validation_failed', frame: 'send' });
    client.send({ type: 'send', clientId: 'blank', userId: 1, text: '   ' });
    expect(await client.next('error')).toMatchObject({ code: 'empty_message', clientId: 'blank' });
    client.send({ type: 'ping', ref: 'still-here' });
    expect(await client.next('pong')).toMatchObject({ ref: 'still-here' });
    client.socket.close();
  });

  it('refuses sends above the per-user rate, keeping the connection', async () => {
    const bob = await createChatUser(server.url);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const client = await ticketed(alice);
    await client.next('ready');
    // More than the burst and what refills while they are handled.
    const flood = 60;
    for (let i = 0; i < flood; i++)
      client.send({ type: 'send', clientId: `flood-${i}`, conversationId: conversation.id, text: `${i}` });
    await expect
      .poll(
        () =>
          client.frames.filter((f) => f.type === 'ack').length + client.frames.filter((f) => f.type === 'error').length,
        { timeout: 15_000 },
      )
      .toBe(flood);
    const limited = client.frames.filter((f) => f.type === 'error');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ code: 'rate_limited', frame: 'send' });
    client.send({ type: 'ping' });
    await client.next('pong');
    client.socket.close();
  });

  it('closes a connection that sends a frame over 64 KiB with 1009', async () => {
    const client = await ticketed(alice);
    await client.next('ready');
    client.send({ type: 'ping', ref: 'x'.repeat(WS_LIMITS.maxFrameBytes) });
    expect(await client.closed).toBe(CLOSE_CODES.messageTooBig);
  });

  it('drops a connection whose frame is not valid UTF-8 with 1007, and keeps serving the others', async () => {
    const broken = await ticketed(alice);
    const other = await ticketed(alice);
    await Promise.all([broken.next('ready'), other.next('ready')]);
    broken.socket.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false });
    expect(await broken.closed).toBe(1007);
    other.send({ type: 'ping', ref: 'still here' });
    expect(await other.next('pong')).toMatchObject({ ref: 'still here' });
    other.socket.close();
  });

  it('logging out closes that session’s sockets only; logging out everywhere closes them all', async () => {
    const bob = await createChatUser(server.url);
    const laptop = new TestAgent(server.url, PUBLIC_URL);
    await laptop.post('/api/auth/login', { login: bob.me.username, password: PASSWORD });
    const laptopSocket = rawSocket(`${wsUrl}?v=1`, { origin: PUBLIC_URL, cookie: `sid=${laptop.cookie('sid')}` });
    const phoneSocket = await ticketed(bob);
    await Promise.all([laptopSocket.next('ready'), phoneSocket.next('ready')]);
    await laptop.post('/api/auth/logout');
    expect(await laptopSocket.closed).toBe(CLOSE_CODES.unauthenticated);
    expect(phoneSocket.socket.readyState).toBe(WebSocket.OPEN);
    await bob.api.logoutAll();
    expect(await phoneSocket.closed).toBe(CLOSE_CODES.unauthenticated);
  });

  it('the client library stops, saying why, when the session it would get a ticket from has ended', async () => {
    const bob = await createChatUser(server.url);
    await bob.api.logoutAll();
    const client = bob.connect(server.url);
    clients.push(client);
    const states: string[] = [];
    client.on('status', (status) => states.push(status.state));
    await expect.poll(() => states.at(-1)).toBe('refused');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(states).toEqual(['refused']);
  });

  it('the client library stops reconnecting when the server refuses for good', async () => {
    const bob = await createChatUser(server.url);
    const client = bob.connect(server.url);
    clients.push(client);
    await opened(client);
    const states: string[] = [];
    client.on('status', (status) => states.push(status.state));
    await bob.api.logoutAll();
    await expect.poll(() => states.at(-1)).toBe('refused');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(states.at(-1)).toBe('refused');
    expect(states).not.toContain('connecting');
  });
});

describe('shutdown', () => {
  it('SIGTERM closes WebSockets with 1012 so clients reconnect elsewhere, and exits 0', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-sigterm-'));
    const server = spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', BCRYPT_COST: '4' }, await freePort());
    await waitUntilServing(server);
    const user = await createChatUser(server.url);
    const client = rawSocket(`${server.url.replace('http', 'ws')}/ws?v=1&ticket=${(await user.api.wsTicket()).ticket}`);
    await client.next('ready');
    server.child.kill('SIGTERM');
    expect(await client.closed).toBe(CLOSE_CODES.serviceRestart);
    expect(await server.exited).toBe(0);
  });

  it('an upgrade that arrives after the gateway has closed is answered 503 and does not hold the shutdown open', async () => {
    const environment = await createEnvironment('embedded');
    const server = await startServer(environment.backend.env);
    const { port } = new URL(server.url);
    // Connected before the shutdown, so the request can arrive after the gateway closed yet before the node stops listening.
    const late = net.connect(Number(port), '127.0.0.1');
    await once(late, 'connect');
    let answer = '';
    late.on('data', (chunk) => (answer += chunk));
    const lateClosed = once(late, 'close');
    server.app.websocketServer.once('close', () => late.write(upgradeRequest(new URL(`${server.url}/ws?v=1`))));
    const closed = server.close().then(() => 'closed');
    const timedOut = new Promise((resolve) => setTimeout(resolve, 5000, 'still open after 5 s'));
    expect(await Promise.race([closed, timedOut])).toBe('closed');
    await lateClosed;
    expect(answer).toContain('503');
    await environment.dispose();
  });
});

const upgradeRequest = (url: URL) =>
  `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`;

describe('dead peers', () => {
  let environment: TestEnvironment;
  let server: TestServer;
  beforeAll(async () => {
    environment = await createEnvironment('embedded');
    server = await startServer({ ...environment.backend.env, TRUST_PROXY: '1', WS_HEARTBEAT_MS: '300' });
  });
  afterAll(async () => {
    await server.close();
    await environment.dispose();
  });

  it('heartbeats find a peer that stopped answering and drop it', async () => {
    const user = await createChatUser(server.url);
    const url = `${server.url.replace('http', 'ws')}/ws?v=1&ticket=${(await user.api.wsTicket()).ticket}`;
    const silent = new WebSocket(url, { autoPong: false });
    const answering = new WebSocket(
      `${server.url.replace('http', 'ws')}/ws?v=1&ticket=${(await user.api.wsTicket()).ticket}`,
    );
    const silentClosed = new Promise<number>((resolve) => silent.on('close', resolve));
    await new Promise((resolve) => answering.on('open', resolve));
    // Dropped without a closing handshake: the client sees an abnormal closure.
    expect(await silentClosed).toBe(1006);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(answering.readyState).toBe(WebSocket.OPEN);
    answering.close();
  });
});
