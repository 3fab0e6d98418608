import Type, { type Static } from 'typebox';
import { Id, PublicUser, Timestamp } from '../entities.ts';

export const BlockParams = Type.Object({ userId: Id });
export type BlockParams = Static<typeof BlockParams>;

export const BlockedUser = Type.Object({
  /** Their presence always reads as unknown (offline, never seen) to the one who blocked them. */
  user: PublicUser,
  /** When they were blocked. */
  blockedAt: Timestamp,
});
export type BlockedUser = Static<typeof BlockedUser>;

export const BlockListResponse = Type.Object({
  /** Everyone the caller blocked, most recently blocked first. */
  blocked: Type.Array(BlockedUser),
});
export type BlockListResponse = Static<typeof BlockListResponse>;

export const BlockStateResponse = Type.Object({
  userId: Id,
  /** Whether the caller now blocks `userId`; blocking twice or unblocking twice answers the same. */
  blocked: Type.Boolean(),
});
export type BlockStateResponse = Static<typeof BlockStateResponse>;
