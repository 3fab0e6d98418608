import type { PublicUser } from '@chat/protocol';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../infra/db/database.ts';
import { TickBatch } from '../infra/tick-batch.ts';
import { maySeePresence, toVisibility } from './presence-visibility.ts';
import {
  findConversationPeersAmong,
  findUsersByIds,
  type PresenceReading,
  type PublicUserRow,
  toPublicUser,
} from './users-repository.ts';

/** Where presence comes from; the presence capability, registered later, provides it. */
export type PresenceSource = (ids: readonly number[]) => Promise<Map<number, PresenceReading>>;

const UNKNOWN: PresenceReading = { online: false, version: 0 };

/**
 * What any signed-in user may see of others, presence included. Presence sits above users in the
 * dependency order, so it plugs its source in here rather than being called from below.
 */
export class PublicUsers {
  private source: PresenceSource = async () => new Map();
  /** The rows of one tick's lookups in one query: a wave of connects asks for every peer's at once. */
  private readonly rows: TickBatch<number, PublicUserRow>;

  constructor(private readonly db: Db) {
    this.rows = new TickBatch(async (ids) => new Map((await findUsersByIds(db, ids)).map((row) => [row.id, row])));
  }

  usePresence(source: PresenceSource): void {
    this.source = source;
  }

  /** As `viewerId` may see them (presence only where its owner lets them), in the order given; unknown ids are left out. */
  async lookup(viewerId: number, ids: readonly number[]): Promise<PublicUser[]> {
    const [found, presence] = await Promise.all([Promise.all(ids.map((id) => this.rows.get(id))), this.source(ids)]);
    const rows = found.filter((row) => row !== undefined);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const peers = await findConversationPeersAmong(
      this.db,
      viewerId,
      rows.filter((row) => row.presence_visibility === 'conversations').map((row) => row.id),
    );
    const shown = (row: PublicUserRow) =>
      maySeePresence({
        visibility: toVisibility(row.presence_visibility),
        isSelf: row.id === viewerId,
        sharesConversation: peers.has(row.id),
      });
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toPublicUser(row, presence.get(id) ?? UNKNOWN, shown(row))] : [];
    });
  }

  /** Who of these is online, whoever may see it: for the server's own decisions (missed-message mail). */
  async onlineOf(ids: readonly number[]): Promise<Set<number>> {
    const presence = await this.source(ids);
    return new Set(ids.filter((id) => presence.get(id)?.online));
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    publicUsers: PublicUsers;
  }
}

export const users = fp(
  async (app: FastifyInstance) => {
    app.decorate('publicUsers', new PublicUsers(app.database.db));
  },
  { name: 'users', dependencies: ['infrastructure'] },
);
