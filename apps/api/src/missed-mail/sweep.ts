import { unreadCount } from '@chat/protocol';
import type { Db } from '../infra/db/database.ts';
import { failpoint } from '../infra/failpoints/failpoints.ts';
import { enqueueMail } from '../mail/outbox.ts';
import {
  claimConversation,
  type DueConversation,
  findDueConversations,
  findWaitingConversationsOf,
  unreadFromPeer,
} from './repository.ts';
import { excerptOf, type MissedConversation, missedMessagesMail } from './template.ts';

/** Conversations read per query. */
const PAGE = 200;
/**
 * Pages per sweep; what is beyond waits for the next sweep. Users who stay online keep their rows
 * due, so a sweep pages past them rather than stopping at the first page they fill.
 */
const MAX_PAGES = 10;
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
 * their conversations (those due, and their others with something waiting, so that messages come
 * a few moments apart make one mail, not two) and queues one mail listing them, in one
 * transaction. The claim decides once across nodes; the outbox sends once. Oldest first, so a user's conversations decided before
 * another's were queued before it too. Returns how many mails were queued.
 */
export async function sweepMissedMail(deps: SweepDeps, now: number): Promise<number> {
  let queued = 0;
  let offset = 0;
  const scope = { now, windowMs: deps.windowMs, horizonMs: deps.afterMs + STALE_AFTER_MS };
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const due = await findDueConversations(deps.db, { ...scope, afterMs: deps.afterMs, limit: PAGE, offset });
    const online = due.length === 0 ? new Set<number>() : await deps.onlineOf([...new Set(due.map((d) => d.userId))]);
    if (due.length > 0) await failpoint('missed-mail.before-claim');
    const offline = due.filter((d) => !online.has(d.userId));
    const waiting = await findWaitingConversationsOf(deps.db, [...new Set(offline.map((d) => d.userId))], scope);
    // byUser keeps the first entry of a conversation listed twice: this page's own.
    const onPage = new Set(offline);
    let claimedDue = 0;
    for (const conversations of byUser([...offline, ...waiting])) {
      const claimed = await mailUser(deps, conversations, now);
      claimedDue += claimed.filter((entry) => onPage.has(entry)).length;
      if (claimed.length > 0) queued += 1;
    }
    // Claimed rows are no longer due; the rest stay where they were.
    offset += due.length - claimedDue;
    if (due.length < PAGE) break;
  }
  return queued;
}

/** Groups by user, keeping the order of each user's first (oldest) entry; a conversation listed twice counts once. */
function byUser(due: readonly DueConversation[]): DueConversation[][] {
  const groups = new Map<number, Map<number, DueConversation>>();
  for (const entry of due) {
    const mine = groups.get(entry.userId) ?? new Map<number, DueConversation>();
    if (!mine.has(entry.conversationId)) mine.set(entry.conversationId, entry);
    groups.set(entry.userId, mine);
  }
  return [...groups.values()].map((mine) => [...mine.values()]);
}

/** Claims what it can of one user's conversations and queues one mail about them; returns the entries it claimed. */
async function mailUser(deps: SweepDeps, due: readonly DueConversation[], now: number): Promise<DueConversation[]> {
  const [first] = due;
  if (!first) return [];
  return deps.db.transaction().execute(async (trx) => {
    const claimed: DueConversation[] = [];
    const listed: MissedConversation[] = [];
    for (const entry of due) {
      if (!(await claimConversation(trx, entry, now, deps.windowMs))) continue;
      claimed.push(entry);
      const messages = await unreadFromPeer(trx, entry, EXCERPTS);
      listed.push({
        peerName: entry.peerName,
        unread: unreadCount(entry.lastSeq, entry.readSeq, entry.deletedUnread),
        excerpts: messages.map(excerptOf),
        link: deps.conversationLink(entry.conversationId),
      });
    }
    if (claimed.length === 0) return claimed;
    const mail = missedMessagesMail({
      to: first.email,
      username: first.username,
      conversations: listed,
      unsubscribeUrl: deps.unsubscribeUrl(first.userId),
    });
    await enqueueMail(trx, mail, now);
    return claimed;
  });
}
