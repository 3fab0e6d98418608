import type { MuteResponse } from '@chat/protocol';
import type { Db } from '../infra/db/database.ts';
import { requireMembership } from './conversations.ts';
import { setMemberFlags } from './conversations-repository.ts';

/**
 * Mutes or unmutes a conversation for one member: their choice alone, the peer is never told.
 * Idempotent, so a retried request or a second tab asking the same lands in the same state.
 */
export async function setMute(db: Db, userId: number, conversationId: number, muted: boolean): Promise<MuteResponse> {
  await requireMembership(db, conversationId, userId);
  await setMemberFlags(db, conversationId, userId, { muted });
  return { conversationId, muted };
}
