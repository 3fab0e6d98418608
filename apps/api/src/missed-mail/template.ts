import type { Mail } from '../mail/outbox.ts';
import { escapeHtml } from '../mail/templates.ts';

/** One conversation as the mail shows it. */
export interface MissedConversation {
  peerName: string;
  unread: number;
  /** The newest few messages, oldest first. */
  excerpts: string[];
  link: string;
}

/** An excerpt is a glimpse, not the message: the rest is read in the app. */
const EXCERPT_CHARS = 140;

export function excerptOf(message: { text: string; hasPicture: boolean }): string {
  const text = message.text.replace(/\s+/g, ' ').trim();
  if (!text) return message.hasPicture ? '(a picture)' : '';
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text;
}

function subjectOf(conversations: readonly MissedConversation[]): string {
  const [first, ...others] = conversations.map((c) => c.peerName);
  if (others.length === 0) return `New messages from ${first}`;
  if (others.length === 1) return `New messages from ${first} and ${others[0]}`;
  return `New messages from ${first} and ${others.length} others`;
}

const newCount = (c: MissedConversation) => `${c.unread} new message${c.unread === 1 ? '' : 's'}`;

/**
 * The missed-message mail: per conversation who wrote, how many, a short excerpt and a link to it;
 * the unsubscribe link in the text and in the headers (RFC 2369, with RFC 8058 one-click POST).
 */
export function missedMessagesMail(options: {
  to: string;
  username: string;
  conversations: readonly MissedConversation[];
  unsubscribeUrl: string;
}): Mail {
  const { conversations, unsubscribeUrl } = options;
  const footer = 'You get this mail because these messages waited while you were away. Turn these mails off:';
  const text = [
    `Hi ${options.username},`,
    '',
    'You have unread messages on Chat.',
    ...conversations.flatMap((c) => [
      '',
      `${c.peerName} (${newCount(c)}):`,
      ...c.excerpts.map((excerpt) => `  > ${excerpt}`),
      `Open the conversation: ${c.link}`,
    ]),
    '',
    footer,
    unsubscribeUrl,
    '',
  ].join('\n');
  const html = `<!doctype html><html><body>
<p>${escapeHtml(`Hi ${options.username},`)}</p>
<p>You have unread messages on Chat.</p>
${conversations
  .map(
    (c) => `<h3>${escapeHtml(c.peerName)} <small>(${newCount(c)})</small></h3>
${c.excerpts.map((excerpt) => `<blockquote>${escapeHtml(excerpt)}</blockquote>`).join('\n')}
<p><a href="${escapeHtml(c.link)}">Open the conversation</a></p>`,
  )
  .join('\n')}
<p><small>${escapeHtml(footer)} <a href="${escapeHtml(unsubscribeUrl)}">unsubscribe</a></small></p>
</body></html>`;
  return {
    to: options.to,
    subject: subjectOf(conversations),
    text,
    html,
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
