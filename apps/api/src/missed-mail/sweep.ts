import type { Db } from '../infra/db/database.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { claimConversation, type DueConversation, findDueConversations, unreadFromPeer } from './repository.ts';
import { excerptOf, type MissedConversation, missedMessagesMail } from './template.ts';

/** Conversations looked at per sweep; more wait for the next one, oldest first. */
const SWEEP_LIMIT = 200;
/** Messages quoted per conversation. */
const EXCERPTS = 3;
/** Messages left unread for longer than this beyond the delay are not mailed about any more (a node down for days sends no stale digest). */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface SweepDeps {
  db: Db;
  afterMs: number;
  windowMs: number;
  /** Which of these users have an open connection on any node (the presence store). */
  onlineOf(userIds: readonly number[]): Promise<Set<number>>;
  conversationLink(conversationId: number): string;
  unsubscribeUrl(userId: number): string;
}

/**
 * One pass, on every node: finds what is due, leaves out users who are online, and per user claims
 * their conversations and queues one mail listing them, in one transaction. The claim decides once
 * across nodes; the outbox sends once. Returns how many mails were queued.
 */
export async function sweepMissedMail(deps: SweepDeps, now: number): Promise<number> {
  const due = await findDueConversations(deps.db, {
    now,
    afterMs: deps.afterMs,
    windowMs: deps.windowMs,
    horizonMs: deps.afterMs + STALE_AFTER_MS,
    limit: SWEEP_LIMIT,
  });
  if (due.length === 0) return 0;
  const online = await deps.onlineOf([...new Set(due.map((d) => d.userId))]);
  let queued = 0;
  for (const conversations of byUser(due.filter((d) => !online.has(d.userId)))) {
    if (await mailUser(deps, conversations, now)) queued += 1;
  }
  return queued;
}

/** Groups by user, keeping the order of each user's first (oldest) entry. */
function byUser(due: readonly DueConversation[]): DueConversation[][] {
  const groups = new Map<number, DueConversation[]>();
  for (const entry of due) groups.set(entry.userId, [...(groups.get(entry.userId) ?? []), entry]);
  return [...groups.values()];
}

async function mailUser(deps: SweepDeps, due: readonly DueConversation[], now: number): Promise<boolean> {
  const [first] = due;
  if (!first) return false;
  return deps.db.transaction().execute(async (trx) => {
    const claimed: MissedConversation[] = [];
    for (const entry of due) {
      if (!(await claimConversation(trx, entry, now, deps.windowMs))) continue;
      const messages = await unreadFromPeer(trx, entry, EXCERPTS);
      claimed.push({
        peerName: entry.peerName,
        unread: entry.lastSeq - entry.readSeq,
        excerpts: messages.map(excerptOf),
        link: deps.conversationLink(entry.conversationId),
      });
    }
    if (claimed.length === 0) return false;
    const mail = missedMessagesMail({
      to: first.email,
      username: first.username,
      conversations: claimed,
      unsubscribeUrl: deps.unsubscribeUrl(first.userId),
    });
    await enqueueMail(trx, mail, now);
    return true;
  });
}
