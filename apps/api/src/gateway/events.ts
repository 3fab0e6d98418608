import type { ServerFrame } from '@chat/protocol';
import type { Bus } from '../infra/bus/index.ts';

/**
 * What travels on a user's bus channel to every node that holds one of the user's connections.
 * Frames go to each of those connections (but `skipConnection`, the one that caused them and was
 * answered directly); `endSessions` closes the connections of ended sessions.
 */
export type UserEvent =
  | { kind: 'frames'; frames: ServerFrame[]; skipConnection?: string }
  | { kind: 'end_sessions'; sessionIdHashes: string[] | 'all' };

export const userChannel = (userId: number) => `user:${userId}`;

export function publishToUser(bus: Bus, userId: number, event: UserEvent): Promise<void> {
  return bus.publish(userChannel(userId), event);
}
