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
 * A user event as it is delivered and travels between nodes: its frames serialised once, by the
 * node that made them, and written as they are to every connection of the user on every node.
 */
export type EncodedEvent =
  | { kind: 'texts'; texts: string[]; skipConnection?: string }
  | { kind: 'end_sessions'; sessionIdHashes: string[] | 'all' };

export interface AddressedEncodedEvent {
  userId: number;
  event: EncodedEvent;
}

export function encodeEvent({ userId, event }: AddressedEvent): AddressedEncodedEvent {
  if (event.kind === 'end_sessions') return { userId, event };
  const texts = event.frames.map((frame) => JSON.stringify(frame));
  return {
    userId,
    event: { kind: 'texts', texts, ...(event.skipConnection ? { skipConnection: event.skipConnection } : {}) },
  };
}

/**
 * Each user's events travel on a channel of the user's, which the nodes holding a connection of
 * theirs subscribe to (`user-routes.ts`): a node reads only what it delivers, so its cost per
 * delivery does not grow with the number of nodes, and Redis, which already knows who subscribed,
 * is the user → nodes registry, right the moment a node's connection to it drops.
 */
export const USER_CHANNEL_PREFIX = 'user:';
export const userChannel = (userId: number) => `${USER_CHANNEL_PREFIX}${userId}`;

/** One user's events of one flush of one node, as published on the user's channel. */
export interface UserDelivery {
  events: EncodedEvent[];
  /** An earlier flush of that node lost events of this user: the user's clients must resync. */
  resync?: true;
}

/** Heard by every node: past a bound of lost users, a node asks every client everywhere to resync. */
export const USER_EVENTS_CHANNEL = 'user-events';

export interface ResyncEveryone {
  origin: string;
}

/**
 * A routed message is the origin node's id, a space, and the delivery's JSON: a node skips what it
 * sent itself (its own user's other tabs are on other nodes, or not at all) without parsing it.
 */
export const routedMessage = (origin: string, delivery: UserDelivery): string =>
  `${origin} ${JSON.stringify(delivery)}`;

/** The delivery in a routed message, unless this node sent it. */
export function readRouted(message: string, ownOrigin: string): UserDelivery | undefined {
  const space = message.indexOf(' ');
  if (message.slice(0, space) === ownOrigin) return undefined;
  return JSON.parse(message.slice(space + 1)) as UserDelivery;
}
