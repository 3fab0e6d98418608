import type { Signal } from '../infra/signal.ts';

/** Two users now share a conversation (opened, or its first message): presence starts watching. */
export type ConversationStarted = Signal<[userId: number, peerId: number]>;
