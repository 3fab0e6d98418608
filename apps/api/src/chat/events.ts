import type { Signal } from '../infra/signal.ts';

/** Two users now share a conversation (opened, or its first message): presence starts watching. */
export type ConversationStarted = Signal<[userId: number, peerId: number]>;

/** A block between two users started or ended: `hidden` says whether one still stands, either way. */
export type BlocksChanged = Signal<[userId: number, otherId: number, hidden: boolean]>;
