import type { ServerFrame } from '@chat/protocol';

/**
 * What a user's connections are told, on whichever node they are. Frames go to each of them (but
 * `skipConnection`, the one that caused them and was answered directly); `end_sessions` closes the
 * connections of ended sessions.
 */
export type UserEvent =
  | { kind: 'frames'; frames: ServerFrame[]; skipConnection?: string }
  | { kind: 'end_sessions'; sessionIdHashes: string[] | 'all' };

export interface AddressedEvent {
  userId: number;
  event: UserEvent;
}

/**
 * What goes on the bus: the events of one flush from one node, and the users whose events an
 * earlier flush of that node could not deliver ('all' past a bound), who must resync.
 */
export interface EventBatch {
  origin: string;
  events: AddressedEvent[];
  resync?: number[] | 'all';
}

/**
 * All user events travel on one channel that every node hears, and each node keeps what concerns
 * its own connections. With a handful of nodes this costs each node little, and it spares Redis a
 * subscription per connected user (and a storm of them when thousands reconnect at once).
 */
export const USER_EVENTS_CHANNEL = 'user-events';
