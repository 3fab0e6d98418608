// What the chat screens do: each action goes through REST or the portal, never straight to the socket.
import { ApiError, newClientId } from '@chat/client';
import { type Message, type PublicUser, REFUSED_UPLOAD_CODES as REFUSED_UPLOAD } from '@chat/protocol';
import { api } from '../lib/api.ts';
import { navigate } from '../lib/router.tsx';
import { uploadPicture } from '../lib/upload.ts';
import { endedSession } from '../session/session.ts';
import { saveDraft } from './drafts.ts';
import { pictureSize, thumbnailUrl } from './pictures.ts';
import { portal, portalIfRunning } from './portal.ts';
import {
  type OutgoingMessage,
  withBlocked,
  withHistory,
  withHistoryPage,
  withMuted,
  withOutgoing,
  withoutConversation,
  withoutOutgoing,
  withSendFailed,
  withUploadProgress,
} from './state.ts';
import { chatStore, updateChat } from './store.ts';

/** Enough to fill a tall screen; scrolling up asks for the next page well before the top. */
const PAGE_SIZE = 40;

export async function openConversationWith(userId: number): Promise<void> {
  const { conversation } = await api.openConversation(userId);
  portal().loadedUpTo(conversation.id, conversation.lastSeq);
  portal().noteConversation(conversation);
  navigate(`/c/${conversation.id}`);
}

/** The conversation is on screen: load it if needed, and read it. Returns the cleanup for when it leaves. */
export function showConversation(id: number): () => void {
  updateChat((state) => ({ ...state, activeConversationId: id }));
  portal().readActive();
  void loadLatest(id);
  return () =>
    updateChat((state) => (state.activeConversationId === id ? { ...state, activeConversationId: null } : state));
}

export async function loadLatest(id: number): Promise<void> {
  const history = chatStore.get().histories[id];
  if (history?.loaded || history?.loading) return;
  updateChat((state) => withHistory(state, id, (h) => ({ ...h, loading: true, error: undefined })));
  try {
    if (!chatStore.get().conversations[id]) {
      const { conversation } = await api.conversation(id);
      portal().noteConversation(conversation);
    }
    const page = await api.history(id, { limit: PAGE_SIZE });
    const newest = page.messages.at(-1);
    if (newest) portal().loadedUpTo(id, newest.seq);
    portal().noteMessages(page.messages);
    updateChat((state) => withHistoryPage(state, id, page, portal().myId));
    portal().readActive();
  } catch (error) {
    historyFailed(id, error);
  }
}

/** The page before the oldest message shown (scrolling up). */
export async function loadOlder(id: number): Promise<void> {
  const history = chatStore.get().histories[id];
  const oldest = history?.messages[0];
  if (!history?.loaded || history.loading || !history.hasMore || !oldest) return;
  updateChat((state) => withHistory(state, id, (h) => ({ ...h, loading: true, error: undefined })));
  try {
    const page = await api.history(id, { before: oldest.seq, limit: PAGE_SIZE });
    portal().noteMessages(page.messages);
    updateChat((state) => withHistoryPage(state, id, page, portal().myId));
  } catch (error) {
    historyFailed(id, error);
  }
}

function historyFailed(id: number, error: unknown): void {
  if (endedSession(error)) return;
  const message =
    error instanceof ApiError && error.status === 404
      ? 'This conversation does not exist.'
      : 'The messages could not be loaded.';
  updateChat((state) => withHistory(state, id, (h) => ({ ...h, loading: false, error: message })));
}

/** The server refused the file itself: retrying cannot help. */
const REFUSED_UPLOAD_CODES = new Set<string>(REFUSED_UPLOAD);

const outboxItem = (conversationId: number, clientId: string) =>
  chatStore.get().outbox[conversationId]?.find((item) => item.clientId === clientId);

export function sendMessage(conversationId: number, text: string, replyTo?: Message): void {
  transmit(conversationId, {
    clientId: newClientId(),
    text,
    createdAt: Date.now(),
    status: 'pending',
    ...(replyTo ? { replyToId: replyTo.id } : {}),
  });
}

export const editMessage = (message: Message, text: string) => portal().edit(message, text);
export const deleteForEveryone = (message: Message) => portal().remove(message);
export const deleteForMe = (message: Message) => portal().hide(message);
export const toggleReaction = (message: Message, emoji: string) => portal().react(message, emoji);

/**
 * Loads older pages until the message at `seq` is there (a reply's original, far up), or the start
 * of the conversation is: then the list can scroll to it.
 */
export async function loadUntil(id: number, seq: number): Promise<boolean> {
  for (;;) {
    const history = chatStore.get().histories[id];
    const first = history?.messages[0];
    if (!history || !first) return false;
    if (first.seq <= seq) return history.messages.some((m) => m.seq === seq);
    if (!history.hasMore || history.error) return false;
    await loadOlder(id);
    if (chatStore.get().histories[id]?.messages[0]?.seq === first.seq) return false;
  }
}

/** Each picture becomes a message, the caption going with the first; they show at once and upload side by side. */
export async function sendPictures(conversationId: number, files: readonly File[], caption: string): Promise<void> {
  const sizes = await Promise.all(files.map(pictureSize));
  files.forEach((file, index) => {
    void uploadThenSend(conversationId, {
      clientId: newClientId(),
      text: index === 0 ? caption : '',
      createdAt: Date.now(),
      status: 'uploading',
      picture: { file, size: sizes[index], progress: 0 },
    });
  });
}

/**
 * Tries a failed message again: a picture whose upload failed uploads again; anything else is sent
 * again under the same clientId, so that the server can never store it twice.
 */
export function retryMessage(conversationId: number, clientId: string): void {
  const item = outboxItem(conversationId, clientId);
  if (item?.picture && !item.picture.attachment) void uploadThenSend(conversationId, item);
  else if (item) transmit(conversationId, item);
}

export const dismissMessage = (conversationId: number, clientId: string) =>
  updateChat((state) => withoutOutgoing(state, conversationId, clientId));

async function uploadThenSend(conversationId: number, item: OutgoingMessage): Promise<void> {
  const { picture, clientId } = item;
  if (!picture) return;
  updateChat((state) =>
    withOutgoing(state, conversationId, {
      ...item,
      status: 'uploading',
      error: undefined,
      picture: { ...picture, progress: 0 },
    }),
  );
  try {
    const attachment = await uploadPicture(picture.file, (percent) =>
      updateChat((state) => withUploadProgress(state, conversationId, clientId, percent)),
    );
    const current = outboxItem(conversationId, clientId);
    // Dismissed, deleted with its conversation, or signed out meanwhile: there is nothing to send.
    if (!current?.picture) return;
    // The stored message will show the thumbnail: fetched while the message goes out, it is there at the swap.
    new Image().src = thumbnailUrl(attachment);
    transmit(conversationId, { ...current, picture: { ...current.picture, attachment } });
  } catch (error) {
    if (endedSession(error)) return;
    const refused = error instanceof ApiError && REFUSED_UPLOAD_CODES.has(error.code);
    const reason = error instanceof ApiError ? error.message : 'The picture could not be uploaded.';
    updateChat((state) => withSendFailed(state, conversationId, clientId, reason, refused ? 'refused' : 'failed'));
  }
}

/** Shows the message as pending and sends it (again, for a retry: the same item keeps its clientId). */
function transmit(conversationId: number, item: OutgoingMessage): void {
  updateChat((state) => withOutgoing(state, conversationId, { ...item, status: 'pending', error: undefined }));
  portal().send(conversationId, {
    text: item.text,
    clientId: item.clientId,
    attachmentId: item.picture?.attachment?.id ?? item.attachmentId,
    replyToId: item.replyToId,
  });
}

export const noteTyping = (conversationId: number) => portal().typing(conversationId);

export const watchPresence = (userIds: number[]) => portalIfRunning()?.watchPresence(userIds);

export const notePresence = (users: readonly PublicUser[]) => portalIfRunning()?.notePresence(users);

export const retryConversations = () => portal().loadConversations();

/** "Delete for me": the peer keeps the conversation. */
export async function deleteConversation(id: number): Promise<void> {
  await api.deleteConversation(id);
  portal().forget(id);
  saveDraft(portal().myId, id, '');
  navigate('/', { replace: true });
  updateChat((state) => withoutConversation(state, id));
}

/** Blocks or unblocks someone; the store follows at once, and other tabs through `block_changed`. */
export async function setBlocked(userId: number, blocked: boolean): Promise<void> {
  await (blocked ? api.block(userId) : api.unblock(userId));
  updateChat((state) => withBlocked(state, userId, blocked));
}

/** Mutes or unmutes at once; the server's answer stands, and a failure puts the old state back and throws. */
export async function setConversationMuted(id: number, muted: boolean): Promise<void> {
  updateChat((state) => withMuted(state, { conversationId: id, muted }));
  try {
    const saved = await api.setMuted(id, muted);
    updateChat((state) => withMuted(state, saved));
  } catch (error) {
    updateChat((state) => withMuted(state, { conversationId: id, muted: !muted }));
    endedSession(error);
    throw error;
  }
}
