import { randomBytes } from 'node:crypto';
import { ChatApi } from '@chat/client';
import { benchAddress } from './address.ts';

export interface BenchUser {
  id: number;
  token: string;
  /** The node this user connects to. */
  url: string;
  /** The conversation with the other member of the pair. */
  conversationId: number;
  /** Index of the other member of the pair. */
  partner: number;
}

const PASSWORD = 'bench password 1';

/** One verified account with a bearer token, signed up and confirmed as a person would. */
export async function createOne(url: string, name: string): Promise<{ id: number; token: string }> {
  const api = new ChatApi({
    baseUrl: url,
    headers: { 'x-forwarded-for': benchAddress() },
  });
  const email = `${name}@bench.example`;
  await api.signup({ username: name, email, password: PASSWORD });
  const [mail] = (await (await fetch(`${url}/dev/mailbox?to=${encodeURIComponent(email)}`)).json()) as Array<{
    text: string;
  }>;
  const link = mail?.text.match(/https?:\/\/\S+/)?.[0];
  if (!link) throw new Error(`no verification mail for ${email}`);
  await api.verify(new URL(link).searchParams.get('token') ?? '');
  const login = await api.login(name, PASSWORD, { issueToken: true });
  if (!('user' in login)) throw new Error(`${name} has two-factor on`);
  const { user, token } = login;
  return { id: user.id, token: token ?? '' };
}

async function inBatches<T>(count: number, concurrency: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await make(i);
      }
    }),
  );
  return results;
}

/**
 * `count` users in pairs; the two members of a pair sit on different nodes when there are several,
 * so every message crosses the bus, or on the same node with `together`. Each pair has its
 * conversation open.
 */
export async function createPairs(urls: string[], count: number, together = false): Promise<BenchUser[]> {
  const tag = randomBytes(3).toString('hex');
  const nodeOf = (i: number) => urls[(together ? Math.floor(i / 2) : i) % urls.length] as string;
  const accounts = await inBatches(count, 8, (i) => createOne(nodeOf(i), `b${tag}_${i}`));
  const users: BenchUser[] = accounts.map((account, i) => ({
    ...account,
    url: nodeOf(i),
    conversationId: 0,
    partner: i ^ 1,
  }));
  await inBatches(count / 2, 8, async (pair) => {
    const a = users[pair * 2] as BenchUser;
    const b = users[pair * 2 + 1] as BenchUser;
    const { conversation } = await new ChatApi({ baseUrl: a.url, token: a.token }).openConversation(b.id);
    a.conversationId = conversation.id;
    b.conversationId = conversation.id;
  });
  return users;
}
