// The search benchmark: a million messages stored, then searches timed one at a time over HTTP.
import { ChatApi } from '@chat/client';
import { indexDocument } from '../../apps/api/src/chat/search-index/tokens.ts';
import { openDatabase } from '../../apps/api/src/infra/db/database.ts';
import { benchAddress } from './address.ts';
import type { Target } from './cluster.ts';
import { type LatencySummary, summarize } from './metrics.ts';
import { createOne } from './users.ts';

export interface SearchFigures {
  messages: number;
  fillSeconds: number;
  searches: number;
  overall: LatencySummary;
  byKind: Record<string, LatencySummary>;
}

/**
 * 200 people, each in 20 conversations (2,000 in all), so one person's searches reach 10,000 of the
 * million messages: the index must narrow to them rather than read every match and filter.
 */
const USERS = 200;
const PEERS_EACH_WAY = 10;
/** Rows per INSERT and INSERTs per transaction: few round trips, a transaction that commits in well under a second. */
const ROWS_PER_INSERT = 2000;
const INSERTS_PER_TRANSACTION = 10;
const SEARCHES = 400;
const WARM_UP = 20;

/** A fixed sequence, so that every run stores and asks the same. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const random = seeded(15);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;

/** 5,000 made-up words, drawn by Zipf's law as in real text: a few are everywhere, most are rare. */
const SYLLABLES = [
  'ash',
  'ri',
  'om',
  'ek',
  'yu',
  'ti',
  'wan',
  'cor',
  'ka',
  'lo',
  'mi',
  'ren',
  'tu',
  'sa',
  'vel',
  'do',
  'ne',
  'qui',
  'bar',
  'fe',
  'zo',
  'pa',
  'lin',
  'gor',
];
const VOCABULARY = [
  ...new Set(
    Array.from({ length: 30000 }, () => {
      const length = 2 + Math.floor(random() * 3);
      return Array.from({ length }, () => pick(SYLLABLES)).join('');
    }),
  ),
].slice(0, 5000);
const ZIPF = (() => {
  const cumulative: number[] = [];
  let sum = 0;
  for (let rank = 1; rank <= VOCABULARY.length; rank++) {
    sum += 1 / rank;
    cumulative.push(sum);
  }
  return cumulative.map((c) => c / sum);
})();
function zipfWord(): string {
  const r = random();
  let low = 0;
  let high = ZIPF.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((ZIPF[mid] as number) < r) low = mid + 1;
    else high = mid;
  }
  return VOCABULARY[low] as string;
}
const CJK_WORDS = [
  '東京',
  '大阪',
  '駅',
  '会議',
  '明日',
  '天気',
  '電車',
  '会いましょう',
  'ありがとう',
  '北京',
  '上海',
  '见面',
  '今天',
  'ラーメン',
  'コーヒー',
  '서울',
  '만나요',
];

/** One in ten messages is Chinese, Japanese or Korean, written without spaces. */
function messageText(): string {
  if (random() < 0.1) return Array.from({ length: 2 + Math.floor(random() * 4) }, () => pick(CJK_WORDS)).join('');
  return Array.from({ length: 4 + Math.floor(random() * 11) }, zipfWord).join(' ');
}

const QUERY_KINDS: Record<string, () => string> = {
  'common word': () => VOCABULARY[Math.floor(random() * 20)] as string,
  'middling word': () => VOCABULARY[100 + Math.floor(random() * 400)] as string,
  'rare word': () => VOCABULARY[2000 + Math.floor(random() * 3000)] as string,
  'word start': () => (VOCABULARY[100 + Math.floor(random() * 400)] as string).slice(0, 3),
  'two words': () => `${VOCABULARY[Math.floor(random() * 50)]} ${VOCABULARY[50 + Math.floor(random() * 500)]}`,
  'CJK, 2 characters': () => pick(['東京', '大阪', '会議', '明日', '北京', '서울']),
  'CJK, 1 character': () => pick(['駅', '京', '気']),
  'CJK phrase': () => pick(['会いましょう', 'ありがとう', 'ラーメン', '東京駅']),
};

/** Stores `count` messages straight into the target's database, as multi-row INSERTs in transactions. */
async function fill(target: Target, users: Array<{ id: number }>, count: number): Promise<Map<number, number[]>> {
  if (!target.storage) throw new Error('the search benchmark needs a chat target');
  const handle = openDatabase({ databaseUrl: target.storage.databaseUrl, dataDir: target.storage.dataDir });
  const db = handle.db;
  try {
    const now = Date.now();
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < users.length; i++)
      for (let step = 1; step <= PEERS_EACH_WAY; step++) {
        const a = users[i]?.id as number;
        const b = users[(i + step) % users.length]?.id as number;
        pairs.push([Math.min(a, b), Math.max(a, b)]);
      }
    const perConversation = Math.ceil(count / pairs.length);
    const start = now - count * 30;
    const conversationIds = await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('conversations')
        .values(
          pairs.map(([low, high]) => ({
            user_low_id: low,
            user_high_id: high,
            last_seq: perConversation,
            updated_at: now,
            created_at: start,
          })),
        )
        .execute();
      const rows = await trx
        .selectFrom('conversations')
        .select(['id', 'user_low_id', 'user_high_id'])
        .orderBy('id')
        .execute();
      const members = rows.flatMap((c) => [
        { conversation_id: c.id, user_id: c.user_low_id, peer_id: c.user_high_id, read_seq: perConversation },
        { conversation_id: c.id, user_id: c.user_high_id, peer_id: c.user_low_id, read_seq: perConversation },
      ]);
      for (let i = 0; i < members.length; i += ROWS_PER_INSERT)
        await trx
          .insertInto('conversation_members')
          .values(members.slice(i, i + ROWS_PER_INSERT))
          .execute();
      const idOf = new Map(rows.map((c) => [`${c.user_low_id}:${c.user_high_id}`, c.id]));
      return pairs.map(([low, high]) => idOf.get(`${low}:${high}`) as number);
    });
    const newest = await db
      .selectFrom('messages')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    const firstId = Number(newest?.id ?? 0) + 1;
    // Message k is in conversation k mod n, so ids grow with time across all conversations, as they do.
    const row = (k: number) => {
      const index = k % pairs.length;
      const [low, high] = pairs[index] as [number, number];
      const text = messageText();
      const conversationId = conversationIds[index] as number;
      return {
        message: {
          id: firstId + k,
          conversation_id: conversationId,
          seq: Math.floor(k / pairs.length) + 1,
          sender_id: k % 2 === 0 ? low : high,
          client_id: `bench-${k}`,
          text,
          created_at: start + k * 30,
        },
        search: { message_id: firstId + k, tokens: indexDocument(firstId + k, conversationId, [low, high], text) },
      };
    };
    const total = perConversation * pairs.length;
    for (let k = 0; k < total; ) {
      await db.transaction().execute(async (trx) => {
        for (let n = 0; n < INSERTS_PER_TRANSACTION && k < total; n++) {
          const rows = Array.from({ length: Math.min(ROWS_PER_INSERT, total - k) }, (_, i) => row(k + i));
          await trx
            .insertInto('messages')
            .values(rows.map((r) => r.message))
            .execute();
          await trx
            .insertInto('message_search')
            .values(rows.map((r) => r.search))
            .execute();
          k += rows.length;
        }
      });
    }
    const byUser = new Map<number, number[]>();
    pairs.forEach(([low, high], i) => {
      for (const user of [low, high]) byUser.set(user, [...(byUser.get(user) ?? []), conversationIds[i] as number]);
    });
    return byUser;
  } finally {
    await handle.close();
  }
}

/** Fills the target with `count` messages and times `SEARCHES` searches, one at a time, by kind. */
export async function searchBenchmark(
  target: Target,
  count: number,
  log: (line: string) => void,
): Promise<SearchFigures> {
  const url = target.urls[0] as string;
  log(`creating ${USERS} users`);
  const accounts: Array<{ id: number; token: string }> = [];
  for (let i = 0; i < USERS; i += 10)
    accounts.push(
      ...(await Promise.all(
        Array.from({ length: 10 }, (_, j) => createOne(url, `s${Date.now().toString(36)}_${i + j}`)),
      )),
    );
  const began = performance.now();
  log(`storing ${count} messages`);
  const conversationsOf = await fill(target, accounts, count);
  const fillSeconds = (performance.now() - began) / 1000;
  log(`stored in ${fillSeconds.toFixed(0)} s`);

  const apis = accounts.map(
    (a) => new ChatApi({ baseUrl: url, token: a.token, headers: { 'x-forwarded-for': benchAddress() } }),
  );
  const kinds = Object.keys(QUERY_KINDS);
  const latencies: number[] = [];
  const byKind: Record<string, number[]> = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let i = 0; i < WARM_UP + SEARCHES; i++) {
    const kind = kinds[i % kinds.length] as string;
    const user = i % apis.length;
    // Half the searches in one conversation, half in all of the user's.
    const conversationId = i % 2 === 0 ? pick(conversationsOf.get(accounts[user]?.id ?? 0) ?? []) : undefined;
    const q = (QUERY_KINDS[kind] as () => string)();
    const at = performance.now();
    // A keep-alive socket the server closed as it went idle fails at once: asked again on a new one.
    const ask = () => apis[user]?.search({ q, conversationId });
    await ask()?.catch((error: unknown) => {
      if (!(error instanceof TypeError)) throw error;
      return ask();
    });
    const elapsed = performance.now() - at;
    if (i < WARM_UP) continue;
    latencies.push(elapsed);
    byKind[kind]?.push(elapsed);
  }
  return {
    messages: count,
    fillSeconds,
    searches: latencies.length,
    overall: summarize(latencies),
    byKind: Object.fromEntries(Object.entries(byKind).map(([kind, l]) => [kind, summarize(l)])),
  };
}
