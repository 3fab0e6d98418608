import type { ConversationSummary, Message, ReplyQuote } from '@chat/protocol';
import { type ReactNode, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { navigate, useLocation } from '../lib/router.tsx';
import { clockTime, dayLabel, fullTime } from '../lib/time.ts';
import { useNow } from '../lib/use-now.ts';
import { dismissMessage, loadLatest, loadOlder, loadUntil, retryMessage } from './actions.ts';
import { MessageActions, type MessageIntents, Reactions } from './MessageActions.tsx';
import { MessageText } from './MessageText.tsx';
import { LocalPicture, StoredPicture } from './Picture.tsx';
import { DELETED_MESSAGE } from './pictures.ts';
import { nameOf, useProfile } from './profiles.ts';
import type { History, OutgoingMessage } from './state.ts';
import { useChat } from './store.ts';
import { buildTimeline } from './timeline.ts';

/** Older messages are asked for this far (px) before the top, so that scrolling rarely waits. */
const LOAD_OLDER_WITHIN_PX = 300;
/** A reader this close (px) to the bottom is following the conversation: new messages keep them there. */
const FOLLOW_WITHIN_PX = 80;

const STATUS_LABELS = { sent: 'Sent', seen: 'Seen' } as const;
const NO_MESSAGES: readonly Message[] = [];
const NO_OUTGOING: readonly OutgoingMessage[] = [];

/** The message at the top when older ones were asked for, and where it was: it stays there when they arrive. */
interface Anchor {
  seq: number;
  offsetTop: number;
}

/** Where a message is in the scrolling list (the list is its offset parent). */
const offsetOf = (list: HTMLElement, seq: number) =>
  list.querySelector<HTMLElement>(`[data-seq="${seq}"]`)?.offsetTop ?? 0;

/** How long the original of a reply stays highlighted after jumping to it. */
const HIGHLIGHT_MS = 2000;

export function MessageList({
  summary,
  myId,
  intents,
}: {
  summary: ConversationSummary;
  myId: number;
  intents: MessageIntents;
}) {
  const { id, peer } = summary;
  const peerName = nameOf(useProfile(peer));
  const history = useChat((state) => state.histories[id]);
  const outbox = useChat((state) => state.outbox[id]) ?? NO_OUTGOING;
  const messages = history?.messages ?? NO_MESSAGES;
  const timeline = useMemo(
    () => buildTimeline(messages, outbox, myId, summary.peerReadSeq),
    [messages, outbox, myId, summary.peerReadSeq],
  );
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const anchor = useRef<Anchor | undefined>(undefined);
  const outboxSize = useRef(outbox.length);

  const askForOlder = (element: HTMLDivElement) => {
    const first = messages[0];
    if (!history?.hasMore || history.loading || !first) return;
    anchor.current = { seq: first.seq, offsetTop: offsetOf(element, first.seq) };
    void loadOlder(id);
  };

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    following.current = element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_WITHIN_PX;
    if (element.scrollTop < LOAD_OLDER_WITHIN_PX) askForOlder(element);
  };

  // Before paint: older messages keep the reader's place, new ones follow a reader who is at the bottom.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const kept = anchor.current;
    const sentOne = outbox.length > outboxSize.current;
    outboxSize.current = outbox.length;
    if (kept && messages[0]?.seq !== kept.seq) {
      element.scrollTop += offsetOf(element, kept.seq) - kept.offsetTop;
      anchor.current = undefined;
    } else if (following.current || sentOne) {
      element.scrollTop = element.scrollHeight;
      following.current = true;
    }
  }, [messages, outbox]);

  // A first page shorter than the screen leaves nothing to scroll up with: fetch further back now.
  useEffect(() => {
    const element = scroller.current;
    if (element && history?.loaded && element.scrollHeight <= element.clientHeight) askForOlder(element);
  });

  /** A reply's quote was pressed: the original is loaded (older pages as needed), scrolled to and focused. */
  const reveal = async (seq: number) => {
    if (!(await loadUntil(id, seq))) return;
    requestAnimationFrame(() => {
      const original = scroller.current?.querySelector<HTMLElement>(`[data-seq="${seq}"]`);
      if (!original) return;
      original.scrollIntoView({ block: 'center' });
      original.focus({ preventScroll: true });
      original.classList.add('highlight');
      setTimeout(() => original.classList.remove('highlight'), HIGHLIGHT_MS);
    });
  };

  // Opened at a message (a search result, `?at=seq`): once the newest page is here, go to it, and
  // drop the mark from the address so that choosing the same result again goes there again.
  const openAt = Number(useLocation().search.get('at')) || undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reveal is remade each render; the seq and the loaded page are what matter
  useEffect(() => {
    if (openAt === undefined || !history?.loaded) return;
    navigate(`/c/${id}`, { replace: true });
    following.current = false;
    void reveal(openAt);
  }, [openAt, history?.loaded, id]);

  const now = useNow();
  return (
    <div
      ref={scroller}
      className="messages"
      role="log"
      aria-label={`Messages with ${peerName}`}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to scroll it
      tabIndex={0}
      onScroll={onScroll}
    >
      <HistoryEdge history={history} id={id} peerName={peerName} />
      <ol className="timeline">
        {timeline.map((entry) => {
          if (entry.kind === 'day') {
            return (
              <li key={entry.key} className="day">
                <span>{dayLabel(entry.at, now)}</span>
              </li>
            );
          }
          if (entry.kind === 'stored') {
            const { message, mine, status } = entry;
            const { attachment, replyTo } = message;
            const deleted = message.deletedAt !== null;
            const nameOf = (userId: number) => (userId === myId ? 'You' : peerName);
            return (
              <MessageItem
                key={entry.key}
                seq={message.seq}
                mine={mine}
                sender={nameOf(message.senderId)}
                text={deleted ? DELETED_MESSAGE : message.text}
                deleted={deleted}
                edited={message.editedAt !== null && !deleted}
                at={message.createdAt}
                continues={entry.continues}
                endsGroup={entry.endsGroup}
                quote={
                  replyTo && (
                    <Quote quote={replyTo} author={nameOf(replyTo.senderId)} onShow={() => void reveal(replyTo.seq)} />
                  )
                }
                actions={<MessageActions message={message} myId={myId} intents={intents} />}
                after={<Reactions message={message} myId={myId} peerName={peerName} />}
                picture={
                  attachment && (
                    <StoredPicture attachment={attachment} alt={pictureAlt(mine, peerName)} caption={message.text} />
                  )
                }
              >
                {status && STATUS_LABELS[status]}
              </MessageItem>
            );
          }
          const { item } = entry;
          return (
            <MessageItem
              key={entry.key}
              mine
              sender="You"
              text={item.text}
              at={item.createdAt}
              continues={entry.continues}
              endsGroup={entry.endsGroup}
              state={item.status}
              picture={
                item.picture && (
                  <LocalPicture
                    picture={item.picture}
                    alt={pictureAlt(true, peerName)}
                    uploading={item.status === 'uploading'}
                  />
                )
              }
            >
              <OutgoingStatus conversationId={id} item={item} />
            </MessageItem>
          );
        })}
      </ol>
    </div>
  );
}

/**
 * The top of what is loaded: a note while a page comes, the start of the conversation, or a retry.
 * The line is always there, so that a note appearing above the messages never shifts them.
 */
function HistoryEdge({ history, id, peerName }: { history: History | undefined; id: number; peerName: string }) {
  if (history?.error) {
    return (
      <div className="history-edge" role="alert">
        {history.error}{' '}
        <button
          type="button"
          className="link-button"
          onClick={() => void (history.loaded ? loadOlder(id) : loadLatest(id))}
        >
          Try again
        </button>
      </div>
    );
  }
  let note = '';
  if (!history?.loaded || history.loading) note = 'Loading messages…';
  else if (!history.hasMore) note = `This is the start of your conversation with ${peerName}.`;
  return <p className="history-edge">{note}</p>;
}

const pictureAlt = (mine: boolean, peerName: string) => `Picture from ${mine ? 'you' : peerName}`;

/** Under a message of mine not stored yet: how far it got, or why it failed and what can be done. */
function OutgoingStatus({ conversationId, item }: { conversationId: number; item: OutgoingMessage }) {
  if (item.status === 'uploading') return 'Uploading…';
  if (item.status === 'pending') return 'Sending…';
  return (
    <>
      <span className="failed" role="alert">
        Not sent: {item.error}
      </span>
      {item.status === 'failed' && (
        <button type="button" className="link-button" onClick={() => retryMessage(conversationId, item.clientId)}>
          Retry
        </button>
      )}
      <button type="button" className="link-button" onClick={() => dismissMessage(conversationId, item.clientId)}>
        Dismiss
      </button>
    </>
  );
}

/** The message a reply answers: its author and start, or that it was deleted; pressing it shows the original. */
function Quote({ quote, author, onShow }: { quote: ReplyQuote; author: string; onShow(): void }) {
  const text = quote.deleted ? DELETED_MESSAGE : quote.snippet || (quote.hasAttachment ? 'Picture' : '');
  return (
    <button type="button" className="quote" onClick={onShow} title="Show the original">
      {/* Read out as "Reply to alice: …", the visible words inside it, as speech input expects. */}
      <span className="quote-author">
        <span className="sr-only">Reply to </span>
        {author}
        <span className="sr-only">:</span>
      </span>
      <span className={`quote-text${quote.deleted ? ' deleted' : ''}`}>{text}</span>
    </button>
  );
}

interface MessageItemProps {
  /** Stored messages only: the list finds them by it to keep the reader's place. */
  seq?: number;
  mine: boolean;
  sender: string;
  /** The message, or a picture's caption (then possibly empty). */
  text: string;
  picture?: ReactNode;
  at: number;
  state?: OutgoingMessage['status'];
  /** Stored messages: the quote of the message answered, the menu, the reactions, and what became of it. */
  quote?: ReactNode;
  actions?: ReactNode;
  after?: ReactNode;
  edited?: boolean;
  deleted?: boolean;
  /** Follows a message of the same sender closely: drawn nearer to it. */
  continues: boolean;
  /** The last of its group: the one that shows the time. */
  endsGroup: boolean;
  /** The delivery status under my messages: Uploading…, Sending…, Sent, Seen, or Not sent with Retry. */
  children?: ReactNode;
}

function MessageItem(props: MessageItemProps) {
  const { seq, mine, sender, text, picture, at, state, children, quote, actions, after, edited, deleted } = props;
  const { continues, endsGroup } = props;
  return (
    <li
      className={`message ${mine ? 'mine' : 'theirs'}${continues ? ' continued' : ''}${state ? ` ${state}` : ''}`}
      data-seq={seq}
      // The original of a reply is focused when its quote is pressed.
      tabIndex={seq === undefined ? undefined : -1}
      // A long press on a touch screen opens the context menu: here, the message's own menu.
      onContextMenu={(event) => {
        const menu = event.currentTarget.querySelector<HTMLButtonElement>('.message-menu-button');
        if (!menu) return;
        event.preventDefault();
        if (menu.getAttribute('aria-expanded') !== 'true') menu.click();
      }}
    >
      <span className="sr-only">{sender}:</span>
      <div className="message-row">
        <div className={`bubble${picture && !deleted ? ' with-picture' : ''}`}>
          {quote}
          {!deleted && picture}
          {text !== '' && (
            <p className={`text${deleted ? ' deleted' : ''}`}>{deleted ? text : <MessageText text={text} />}</p>
          )}
        </div>
        {actions}
      </div>
      {after}
      {(endsGroup || edited || children) && (
        <p className="meta">
          {endsGroup && (
            <time dateTime={new Date(at).toISOString()} title={fullTime(at)}>
              {clockTime(at)}
            </time>
          )}
          {edited && <span className="edited">edited</span>}
          {children && <span className="status">{children}</span>}
        </p>
      )}
    </li>
  );
}
