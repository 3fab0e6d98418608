// Catching up: a person back after a while, with new messages in many conversations, reconnects;
// how long from connecting until their client has synced all of it.
import { randomBytes } from 'node:crypto';
import { ChatApi } from '@chat/client';
import { benchClient, untilOpen } from './clients.ts';
import type { Target } from './cluster.ts';
import { type LatencySummary, summarize } from './metrics.ts';
import { createOne } from './users.ts';

/** Conversations with something new since the reader's cursors: a person back from a weekend. */
const CONVERSATIONS = 30;
const MESSAGES_EACH = 3;
const RECONNECTS = 12;
/** Between reconnects: a user may sync once a second beyond a burst (WS_LIMITS), and a refused sync retries a second later. */
const PAUSE_MS = 1000;

export interface CatchUpFigures {
  conversations: number;
  reconnects: number;
  /** From `connect()` until `synced`, over the reconnects. */
  synced: LatencySummary;
}

/** One writer per conversation sends its messages; then the reader reconnects, cursors at zero, again and again. */
export async function catchUpBenchmark(target: Target): Promise<CatchUpFigures> {
  const url = target.urls[0] as string;
  const tag = randomBytes(3).toString('hex');
  const reader = await createOne(url, `c${tag}_reader`);
  const conversationIds: number[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const writer = await createOne(url, `c${tag}_${i}`);
    const { conversation } = await new ChatApi({ baseUrl: url, token: writer.token }).openConversation(reader.id);
    const client = benchClient({ url, token: writer.token });
    const open = untilOpen(client);
    client.connect();
    await open;
    for (let m = 0; m < MESSAGES_EACH; m++)
      await client.send({ conversationId: conversation.id, text: `news ${m}` }).stored;
    client.close();
    conversationIds.push(conversation.id);
  }
  const latencies: number[] = [];
  for (let run = 0; run < RECONNECTS; run++) {
    const client = benchClient({ url, token: reader.token });
    for (const id of conversationIds) client.setCursor(id, 0);
    const synced = new Promise<void>((resolve) => client.on('synced', () => resolve()));
    const started = performance.now();
    client.connect();
    await synced;
    latencies.push(performance.now() - started);
    client.close();
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  return { conversations: CONVERSATIONS, reconnects: RECONNECTS, synced: summarize(latencies) };
}
