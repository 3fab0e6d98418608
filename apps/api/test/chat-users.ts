import { randomInt } from 'node:crypto';
import { ChatApi, RealtimeClient } from '@chat/client';
import type { Me, Message } from '@chat/protocol';
import { WebSocket } from 'ws';
import { uniqueName } from './backends.ts';

export const PASSWORD = 'correct horse battery';

export interface ChatUser {
  me: Me;
  /** Signed in with a bearer token, from an address of its own. */
  api: ChatApi;
  /** A realtime connection to `baseUrl` (a node, or a proxy in front of one), authenticated by ticket. */
  connect(baseUrl: string): RealtimeClient;
}

const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** Where a test reads the verification link mailed to `email`. */
export type LinkSource = (email: string) => Promise<string>;

/** The development mailbox of a server without SMTP_URL. */
const mailboxLink =
  (serverUrl: string): LinkSource =>
  async (email) => {
    const response = await fetch(`${serverUrl}/dev/mailbox?to=${encodeURIComponent(email)}`);
    const mailbox = (await response.json()) as Array<{ to: string; text: string }>;
    const link = mailbox.find((mail) => mail.to === email)?.text.match(/https?:\/\/\S+/)?.[0];
    if (!link) throw new Error(`no verification mail for ${email}`);
    return link;
  };

/**
 * Signs up through the API and verifies through the link in the mail, as a person would through
 * their inbox (the development mailbox unless told otherwise); then logs in for a bearer token.
 */
export async function createChatUser(
  serverUrl: string,
  name = uniqueName('u').slice(0, 24),
  linkFor: LinkSource = mailboxLink(serverUrl),
): Promise<ChatUser> {
  const headers = { 'x-forwarded-for': randomIp() };
  const api = new ChatApi({ baseUrl: serverUrl, headers });
  const username = name.toLowerCase();
  const email = `${username}@example.com`;
  await api.signup({ username, email, password: PASSWORD });
  const link = await linkFor(email);
  await api.verify(new URL(link).searchParams.get('token') ?? '');
  const login = await api.login(username, PASSWORD, { issueToken: true });
  if (!('user' in login)) throw new Error(`${username} has two-factor on`);
  const { user } = login;
  return {
    me: user,
    api,
    connect(baseUrl) {
      const client = new RealtimeClient({
        baseUrl,
        WebSocket: WebSocket as never,
        ticket: async () => (await api.wsTicket()).ticket,
        gapTimeoutMs: 200,
      });
      client.connect();
      return client;
    },
  };
}

/** Collects what a realtime client delivers, for assertions. */
export function record(client: RealtimeClient) {
  const messages: Message[] = [];
  const events: Array<{ type: string; [key: string]: unknown }> = [];
  client.on('message', (message) => messages.push(message));
  for (const type of [
    'unread',
    'read',
    'typing',
    'presence',
    'profile',
    'conversation_hidden',
    'conversation_muted',
    'error',
  ] as const) {
    client.on(type, (frame) => events.push(frame as { type: string }));
  }
  return {
    messages,
    events,
    texts: () => messages.map((m) => m.text),
    last: (type: string) => events.filter((e) => e.type === type).at(-1),
  };
}

export async function opened(client: RealtimeClient, timeoutMs = 10_000): Promise<void> {
  if (client.isOpen) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('realtime client did not open')), timeoutMs);
    const off = client.on('status', (status) => {
      if (status.state !== 'open') return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
