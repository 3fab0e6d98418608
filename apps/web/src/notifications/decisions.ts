import type { ConversationSummary, Message } from '@chat/protocol';

/**
 * What the browser's notifications decide, with no browser in them: whether a message calls for
 * an alert, what the notification says, and what the tab's title and badge count.
 */

/** What the page shows when a message arrives. */
export interface Viewing {
  /** The tab is shown (not a background tab, not a minimised window). */
  pageVisible: boolean;
  /** The conversation open on screen, if any. */
  activeConversationId: number | null;
}

/**
 * A message alerts (notification, sound) when someone else wrote it, it is still unread (not read
 * on another tab or device meanwhile), its conversation is not muted, and the user is not looking
 * at that conversation. Without a summary there is nothing to name the sender with: no alert.
 */
export function shouldAlert(
  message: Message,
  myId: number,
  summary: ConversationSummary | undefined,
  viewing: Viewing,
): boolean {
  if (message.senderId === myId || !summary || summary.muted) return false;
  if (message.deletedAt) return false;
  if (message.seq <= summary.readSeq) return false;
  return !(viewing.pageVisible && viewing.activeConversationId === message.conversationId);
}

/** Long enough to read the gist, short enough that no system cuts it off mid-word on one line or two. */
export const EXCERPT_LENGTH = 120;

/** The excerpt: the text on one line, shortened at a word where it can be; a picture says so. */
export function excerpt(message: Pick<Message, 'text' | 'attachment'>): string {
  const text = message.text.replace(/\s+/g, ' ').trim();
  if (!text) return message.attachment ? 'Sent a picture' : '';
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH - 1);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > EXCERPT_LENGTH / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`;
}

export interface NotificationContent {
  title: string;
  body: string;
  /** One notification per conversation: a newer message replaces the older one, and tabs showing the same one merge. */
  tag: string;
}

export function notificationContent(message: Message, senderName: string): NotificationContent {
  return { title: senderName, body: excerpt(message), tag: `conversation-${message.conversationId}` };
}

/** The unread total the tab shows: every conversation's badge, except the muted ones'. */
export const attentionCount = (conversations: Readonly<Record<number, ConversationSummary>>): number =>
  Object.values(conversations).reduce((sum, summary) => sum + (summary.muted ? 0 : summary.unread), 0);

export const BASE_TITLE = 'Chat';

/** "(3) Chat", as messengers put it: the count first, so that it shows in a narrow tab. */
export const titleWithCount = (count: number, base = BASE_TITLE): string => (count > 0 ? `(${count}) ${base}` : base);
