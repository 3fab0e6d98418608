import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { RealtimeClient } from '@chat/client';
import type { PublicUser } from '@chat/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser, opened, record } from '../../test/chat-users.ts';
import { TestAgent } from '../../test/http.ts';
import { spawnProcess } from '../../test/process.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';
import { FRIENDLY } from './robot.ts';

async function robotOf(user: ChatUser): Promise<PublicUser> {
  const { users } = await user.api.directory({ query: 'robot' });
  const robot = users.find((u) => u.username === 'robot');
  if (!robot) throw new Error('the robot is not in the directory');
  return robot;
}

/** A user with a socket, talking to the robot; returns what they see. */
async function talkToRobot(server: TestServer, clients: RealtimeClient[]) {
  const user = await createChatUser(server.url);
  const robot = await robotOf(user);
  const client = user.connect(server.url);
  clients.push(client);
  const seen = record(client);
  await opened(client);
  const { conversation } = await user.api.openConversation(robot.id);
  const say = (text: string) => client.send({ conversationId: conversation.id, text }).stored;
  const answers = () => seen.messages.filter((m) => m.senderId === robot.id).map((m) => m.text);
  return { user, robot, client, seen, say, answers, conversation };
}

describe.each(BACKENDS)('the robot (offline responder) on %s', (kind: BackendKind) => {
  let environment: TestEnvironment;
  let server: TestServer;
  const clients: RealtimeClient[] = [];
  beforeAll(async () => {
    environment = await createEnvironment(kind);
    server = await startServer({ ...environment.backend.env, TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.close();
    await environment.dispose();
  });

  it('is in the directory, verified and always online, and nobody can sign in as it', async () => {
    const user = await createChatUser(server.url);
    expect(await robotOf(user)).toMatchObject({ isBot: true, presence: { online: true, lastSeenAt: null } });
    const login = await new TestAgent(server.url, undefined).post('/api/auth/login', { login: 'robot', password: '*' });
    expect(login.status).toBe(401);
  });

  it('answers a reply in reply, and reacts to thanks', async () => {
    const chat = await talkToRobot(server, clients);
    const hello = await chat.say('hello');
    await expect.poll(chat.answers).toHaveLength(1);
    const [greeting] = chat.seen.messages.filter((m) => m.senderId === chat.robot.id);
    const client = chat.client;
    const reply = await client.send({ conversationId: chat.conversation.id, text: 'thanks!', replyToId: greeting?.id })
      .stored;
    await expect.poll(chat.answers).toHaveLength(2);
    const answer = chat.seen.messages.filter((m) => m.senderId === chat.robot.id).at(-1);
    expect(answer?.replyTo).toMatchObject({ id: reply.id, snippet: 'thanks!' });
    // The plain "hello" got no quote; the thanks got a heart.
    expect(greeting?.replyTo).toBeNull();
    await expect
      .poll(async () => (await chat.user.api.history(chat.conversation.id)).messages.find((m) => m.id === reply.id))
      .toMatchObject({ reactions: [{ emoji: '❤️', count: 1, userIds: [chat.robot.id] }] });
    expect(hello.reactions).toEqual([]);
  });

  it('answers each command in the same conversation, showing "typing…" first', async () => {
    const chat = await talkToRobot(server, clients);
    await chat.say('/help');
    await expect.poll(chat.answers).toHaveLength(1);
    expect(chat.answers()[0]).toContain('/echo <text>');
    expect(chat.seen.events.some((e) => e.type === 'typing' && e.userId === chat.robot.id)).toBe(true);
    await chat.say('/time');
    await chat.say('/echo bonjour');
    await chat.say('hello');
    await expect.poll(chat.answers).toHaveLength(4);
    expect(chat.answers()[1]).toMatch(/^It is \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.$/);
    expect(chat.answers().slice(2)).toEqual([
      'bonjour',
      `Hello ${chat.user.me.username}! Type /help to see what I can do.`,
    ]);
    // It read what it answered, and never answers itself.
    // It read what it answered ("seen" for the user), and never answers itself.
    const list = await chat.user.api.conversations();
    expect(list.conversations[0]?.peerReadSeq).toBeGreaterThanOrEqual(5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(chat.answers()).toHaveLength(4);
  });

  it('has its own rate limit per user, and says so once', async () => {
    const chat = await talkToRobot(server, clients);
    for (let i = 0; i < 8; i++) await chat.say(`/echo ${i}`);
    await expect.poll(chat.answers).toHaveLength(6);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(chat.answers()).toEqual(['0', '1', '2', '3', '4', FRIENDLY.slowDown]);
  });
});

interface RecordedCall {
  body: { model: string; messages: Array<{ role: string; content: string }> };
  authorization: string | undefined;
}

/** A real local HTTP server that speaks the chat-completions format, in one of three moods. */
async function startCompletionsApi(mood: 'answer' | 'hang' | 'fail') {
  const calls: RecordedCall[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      calls.push({ body: JSON.parse(raw), authorization: request.headers.authorization });
      if (request.url !== '/v1/chat/completions') return void response.writeHead(404).end();
      if (mood === 'hang') return;
      if (mood === 'fail') return void response.writeHead(500).end('{"error":"boom"}');
      const last = calls.at(-1)?.body.messages.at(-1)?.content ?? '';
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ choices: [{ message: { role: 'assistant', content: `model says: ${last.toUpperCase()}` } }] }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the robot with a chat-completions API', () => {
  let environment: TestEnvironment;
  const clients: RealtimeClient[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    environment = await createEnvironment('embedded');
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await environment.dispose();
  });

  async function serverWith(mood: 'answer' | 'hang' | 'fail') {
    const api = await startCompletionsApi(mood);
    const server = await startServer({
      ...environment.backend.env,
      TRUST_PROXY: '1',
      BOT_API_URL: api.url,
      BOT_API_KEY: 'test-key',
      BOT_MODEL: 'tiny-model',
      BOT_TIMEOUT_MS: '700',
    });
    cleanups.push(api.close, () => server.close());
    return { api, server };
  }

  it('sends the conversation as context and relays the answer', async () => {
    const { api, server } = await serverWith('answer');
    const chat = await talkToRobot(server, clients);
    await chat.say('first question');
    await expect.poll(chat.answers).toEqual(['model says: FIRST QUESTION']);
    await chat.say('second one');
    await expect.poll(chat.answers).toHaveLength(2);
    const call = api.calls.at(-1) as RecordedCall;
    expect(call.authorization).toBe('Bearer test-key');
    expect(call.body.model).toBe('tiny-model');
    expect(call.body.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', expect.stringContaining('Robot')],
      ['user', 'first question'],
      ['assistant', 'model says: FIRST QUESTION'],
      ['user', 'second one'],
    ]);
  });

  it('answers a timeout with a friendly message', async () => {
    const { server } = await serverWith('hang');
    const chat = await talkToRobot(server, clients);
    await chat.say('are you there?');
    await expect.poll(chat.answers, { timeout: 5000 }).toEqual([FRIENDLY.timeout]);
  });

  it('retries a failure once, then answers with a friendly message', async () => {
    const { api, server } = await serverWith('fail');
    const chat = await talkToRobot(server, clients);
    await chat.say('break please');
    await expect.poll(chat.answers, { timeout: 5000 }).toEqual([FRIENDLY.failure]);
    expect(api.calls).toHaveLength(2);
  });
});

describe('the robot as its own process, against two API nodes', () => {
  let environment: TestEnvironment;
  let nodeA: TestServer;
  let nodeB: TestServer;
  beforeAll(async () => {
    environment = await createEnvironment('mysql+redis');
    const env = { ...environment.backend.env, TRUST_PROXY: '1', BOT_MODE: 'off' };
    nodeA = await startServer(env);
    nodeB = await startServer(env);
  });
  afterAll(async () => {
    await Promise.all([nodeA.close(), nodeB.close()]);
    await environment.dispose();
  });

  it('answers a user on the other node', async () => {
    const clients: RealtimeClient[] = [];
    const chat = await talkToRobot(nodeB, clients);
    const robotProcess = spawnProcess(fileURLToPath(new URL('./main.ts', import.meta.url)), {
      ...environment.backend.env,
      BOT_SERVER_URL: nodeA.url,
    });
    try {
      await expect.poll(robotProcess.output, { timeout: 15_000 }).toContain(`robot connected to ${nodeA.url}`);
      await chat.say('/echo hello from node B');
      await expect.poll(chat.answers, { timeout: 15_000 }).toContain('hello from node B');
    } finally {
      robotProcess.child.kill('SIGTERM');
      await robotProcess.exited;
      for (const client of clients) client.close();
    }
  });
});
