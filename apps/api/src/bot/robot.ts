import { ChatApi, RealtimeClient, type WebSocketConstructor } from '@chat/client';
import { type Message, WS_LIMITS } from '@chat/protocol';
import { UserLimiter } from '../infra/rate-limit/user-limiter.ts';
import { reactionTo } from './reaction.ts';
import type { Responder, Turn } from './responder.ts';

/** Answers per user: a quick exchange flows, a script hammering the robot is slowed down. */
const ANSWERS_PER_MINUTE = 10;
const ANSWER_BURST = 5;
/** The context a responder gets: enough to follow a conversation, small enough for any model. */
const CONTEXT_MESSAGES = 12;
/** "Typing…" is repeated this often while the responder thinks; the web client shows it for ~4 s. */
const TYPING_REFRESH_MS = 3000;

export const FRIENDLY = {
  timeout: 'Sorry, I took too long to think about that. Could you try again?',
  failure: 'Sorry, something went wrong on my side. Please try again in a moment.',
  slowDown: 'You are going faster than I can think. Give me a minute, then ask again.',
} as const;

export interface RobotOptions {
  /** The server's HTTP origin (a node, or the load balancer). */
  baseUrl: string;
  /** A bearer session token of the robot's account. */
  token: string;
  responder: Responder;
  WebSocket: WebSocketConstructor;
  log: { warn(details: object, message: string): void };
  /** Gives up connecting: the returned promise rejects and the client stops. */
  signal?: AbortSignal;
}

export interface Robot {
  stop(): void;
}

/**
 * The robot is an ordinary client of the public protocol: it reads messages from its socket and
 * answers in the same conversation. Each answer's client id is derived from the message it answers,
 * so a retry, a resync or a second robot instance can never post the same answer twice.
 */
/** Resolves once the robot's socket is open: from then on every message to it is answered. */
export async function startRobot(options: RobotOptions): Promise<Robot> {
  options.signal?.throwIfAborted();
  const api = new ChatApi({ baseUrl: options.baseUrl, token: options.token });
  const { user: me } = await api.me();
  options.signal?.throwIfAborted();
  const client = new RealtimeClient({
    baseUrl: options.baseUrl,
    WebSocket: options.WebSocket,
    ticket: async () => (await api.wsTicket()).ticket,
  });
  const limiter = new UserLimiter(ANSWERS_PER_MINUTE / 60, ANSWER_BURST);
  const warned = new Set<number>();
  const usernames = new Map<number, string>();
  /** One answer at a time per conversation, so answers come in the order of the questions. */
  const queues = new Map<number, Promise<void>>();

  async function usernameOf(message: Message): Promise<string> {
    const known = usernames.get(message.conversationId);
    if (known) return known;
    const { conversation } = await api.conversation(message.conversationId);
    usernames.set(message.conversationId, conversation.peer.username);
    return conversation.peer.username;
  }

  async function context(message: Message): Promise<Turn[]> {
    const { messages } = await api.history(message.conversationId, {
      before: message.seq + 1,
      limit: CONTEXT_MESSAGES,
    });
    return messages
      .filter((m) => m.text.trim() !== '')
      .map((m) => ({ role: m.senderId === me.id ? 'assistant' : 'user', text: m.text }));
  }

  async function think(message: Message): Promise<string> {
    const typing = setInterval(() => client.typing(message.conversationId), TYPING_REFRESH_MS);
    client.typing(message.conversationId);
    try {
      const text = message.text.trim() || '(a picture)';
      return await options.responder.reply({
        username: await usernameOf(message),
        text,
        history: await context(message),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      options.log.warn({ err: error }, 'robot responder failed');
      return timedOut ? FRIENDLY.timeout : FRIENDLY.failure;
    } finally {
      clearInterval(typing);
    }
  }

  async function answer(message: Message): Promise<void> {
    client.read(message.conversationId, message.seq);
    const emoji = reactionTo(message.text);
    // A reaction is a courtesy: one refused (the message deleted meanwhile) is not worth an answer.
    if (emoji) client.react(message, emoji, true).settled.catch(() => {});
    let text: string;
    if (limiter.take(message.senderId)) {
      warned.delete(message.senderId);
      text = await think(message);
    } else if (!warned.has(message.senderId)) {
      warned.add(message.senderId);
      text = FRIENDLY.slowDown;
    } else {
      return;
    }
    await client.send({
      conversationId: message.conversationId,
      text: text.slice(0, WS_LIMITS.maxTextLength),
      clientId: `robot-reply-${message.id}`,
      // Someone who answers a particular message gets the answer to it in reply, quoting it.
      ...(message.replyTo ? { replyToId: message.id } : {}),
    }).stored;
  }

  client.on('message', (message) => {
    // Never answer itself: that is how robots end up talking in circles.
    if (message.senderId === me.id) return;
    const previous = queues.get(message.conversationId) ?? Promise.resolve();
    const next = previous
      .then(() => answer(message))
      .catch((error: unknown) => options.log.warn({ err: error }, 'robot could not answer'));
    queues.set(message.conversationId, next);
    void next.finally(() => {
      if (queues.get(message.conversationId) === next) queues.delete(message.conversationId);
    });
  });
  const prune = setInterval(() => limiter.prune(), 60_000);
  prune.unref?.();
  const stop = () => {
    clearInterval(prune);
    client.close();
  };
  const connected = new Promise<void>((resolve, reject) => {
    const off = client.on('status', (status) => {
      if (status.state === 'refused') reject(new Error(`the server refused the robot: ${status.message}`));
      if (status.state !== 'open' && status.state !== 'refused') return;
      off();
      resolve();
    });
    // A node that stops while its robot is still connecting must not leave it knocking forever.
    if (options.signal?.aborted) reject(options.signal.reason);
    options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
  });
  client.connect();
  try {
    await connected;
  } catch (error) {
    stop();
    throw error;
  }
  return { stop };
}
