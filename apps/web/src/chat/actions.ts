// What the chat screens do: each action goes through REST or the portal, never straight to the socket.
import { ApiError, SendError } from '@chat/client';
import type { Message } from '@chat/protocol';
import { api } from '../lib/api.ts';
import { navigate } from '../lib/router.tsx';
import { endedSession } from '../session/session.ts';
import { portal, portalIfRunning } from './portal.ts';
import {
  withConversation,
  withHistory,
  withHistoryPage,
  withMessage,
  withOutgoing,
  withoutConversation,
  withSendFailed,
} from './state.ts';
import { chatStore, updateChat } from './store.ts';

/** Enough to fill a tall screen; scrolling up asks for the next page well before the top. */
const PAGE_SIZE = 40;

export async function openConversationWith(userId: number): Promise<void> {
  const { conversation } = await api.openConversation(userId);
  portal().loadedUpTo(conversation.id, conversation.lastSeq);
  updateChat((state) => withConversation(state, conversation));
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
      updateChat((state) => withConversation(state, conversation));
    }
    const page = await api.history(id, { limit: PAGE_SIZE });
    const newest = page.messages.at(-1);
    if (newest) portal().loadedUpTo(id, newest.seq);
    updateChat((state) => withHistoryPage(state, id, page));
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
    updateChat((state) => withHistoryPage(state, id, page));
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

export function sendMessage(conversationId: number, text: string): void {
  const { clientId, stored } = portal().send(conversationId, text);
  updateChat((state) =>
    withOutgoing(state, conversationId, { clientId, text, createdAt: Date.now(), status: 'pending' }),
  );
  settle(conversationId, clientId, stored);
}

/** Sends a failed message again under the same clientId, so that the server can never store it twice. */
export function retryMessage(conversationId: number, clientId: string): void {
  const item = chatStore.get().outbox[conversationId]?.find((candidate) => candidate.clientId === clientId);
  if (!item) return;
  const { stored } = portal().send(conversationId, item.text, clientId);
  updateChat((state) => withOutgoing(state, conversationId, { ...item, status: 'pending', error: undefined }));
  settle(conversationId, clientId, stored);
}

function settle(conversationId: number, clientId: string, stored: Promise<Message>): void {
  stored.then(
    // Shown as sent on the ack, even while an earlier message still travels (the socket delivers in order).
    (message) => updateChat((state) => withMessage(state, message, message.senderId)),
    (error: unknown) => {
      const reason = error instanceof SendError ? error.message : 'The message could not be sent.';
      updateChat((state) => withSendFailed(state, conversationId, clientId, reason));
    },
  );
}

export const noteTyping = (conversationId: number) => portal().typing(conversationId);

export const watchPresence = (userIds: number[]) => portalIfRunning()?.watchPresence(userIds);

export const retryConversations = () => portal().loadConversations();

/** "Delete for me": the peer keeps the conversation. */
export async function deleteConversation(id: number): Promise<void> {
  await api.deleteConversation(id);
  portal().forget(id);
  navigate('/', { replace: true });
  updateChat((state) => withoutConversation(state, id));
}
