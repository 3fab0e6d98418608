import { createStore, useStore } from '../lib/store.ts';
import { type ChatState, initialChatState } from './state.ts';

/** Everything the chat screens show; only the portal and the chat actions write to it. */
export const chatStore = createStore<ChatState>(initialChatState());

export const useChat = <S>(select: (state: ChatState) => S): S => useStore(chatStore, select);

export const updateChat = (change: (state: ChatState) => ChatState) => chatStore.set(change);
