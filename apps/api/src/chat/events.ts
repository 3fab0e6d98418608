import type { Signal } from '../infra/signal.ts';

/** Two users now share a conversation (opened, or its first message): presence starts watching. */
export type ConversationStarted = Signal<[userId: number, peerId: number]>;

/** `blockerId` blocked (`true`) or unblocked `blockedId`: presence stops (or resumes) between them on every node. */
export type BlocksChanged = Signal<[blockerId: number, blockedId: number, blocked: boolean]>;
