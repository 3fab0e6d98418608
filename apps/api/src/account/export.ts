import { Readable } from 'node:stream';
import type { PublicUser } from '@chat/protocol';
import { ZipFile } from 'yazl';
import { toDeviceSession } from '../auth/devices.ts';
import { listPasskeys, toExportedPasskey } from '../auth/passkeys/repository.ts';
import { listUserSessions } from '../auth/sessions.ts';
import { listBlockedBy } from '../chat/blocks/repository.ts';
import { listVisibleMemberships, type Membership } from '../chat/conversations-repository.ts';
import { listMessages } from '../chat/messages-repository.ts';
import type { Db } from '../infra/db/database.ts';
import type { BlobStorage } from '../uploads/storage.ts';
import { toMe, type UserRow } from '../users/users-repository.ts';

/** Messages read per query while writing a conversation: the archive streams, whatever its size. */
const EXPORT_PAGE = 500;

const README = `Your data from this chat, as of the date of this archive.

profile.json         your account: username, email address, settings, when it was made
devices.json         the devices signed in to your account (browser, system, address, last active)
blocks.json          the people you blocked, and when
passkeys.json        your passkeys: their names, credential ids, when added and last used
                     (not their public keys: nothing in them is about you)
conversations.json   your conversations (those you did not delete for yourself), with whom
conversations/N.json the messages of conversation N as you see them: yours and your peer's
                     (messages you deleted for yourself are left out; ones deleted for everyone
                     are marked deleted). Pictures are named by attachment id.
pictures/            the pictures you uploaded (pictures your peers sent are theirs: the
                     messages name them, and you can download them in the app)

Times are milliseconds since 1970-01-01 UTC.
`;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

export interface ExportSources {
  db: Db;
  storage: BlobStorage;
  lookupUsers(viewerId: number, ids: readonly number[]): Promise<PublicUser[]>;
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

/**
 * The account's data as a zip (docs/privacy.md says what is in it), streamed: messages are read a
 * page at a time while the archive is written, and pictures are opened one at a time.
 */
export function exportArchive(sources: ExportSources, user: UserRow, currentIdHash: string): Readable {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  fill(zip, sources, user, currentIdHash).catch((error: unknown) => output.destroy(error as Error));
  return output;
}

async function fill(zip: ZipFile, sources: ExportSources, user: UserRow, currentIdHash: string): Promise<void> {
  const { db } = sources;
  const mtime = new Date();
  zip.addBuffer(Buffer.from(README), 'README.txt', { mtime });
  zip.addBuffer(json({ ...toMe(user), createdAt: user.created_at, lastSeenAt: user.last_seen_at }), 'profile.json', {
    mtime,
  });
  const sessions = await listUserSessions(db, user.id, Date.now());
  zip.addBuffer(json(sessions.map((row) => toDeviceSession(row, currentIdHash))), 'devices.json', { mtime });

  const blocks = await listBlockedBy(db, user.id);
  const memberships = await listVisibleMemberships(db, user.id);
  const people = new Map(
    (await sources.lookupUsers(user.id, [...blocks.map((b) => b.userId), ...memberships.map((m) => m.peerId)])).map(
      (person) => [person.id, person],
    ),
  );
  zip.addBuffer(
    json(blocks.map(({ userId, blockedAt }) => ({ userId, username: people.get(userId)?.username, blockedAt }))),
    'blocks.json',
    { mtime },
  );
  const passkeys = await listPasskeys(db, user.id);
  zip.addBuffer(json(passkeys.map(toExportedPasskey)), 'passkeys.json', { mtime });
  const conversations = memberships.map((m) => {
    const peer = people.get(m.peerId);
    return { id: m.conversationId, peer: { id: m.peerId, username: peer?.username, deleted: peer?.deleted } };
  });
  zip.addBuffer(json(conversations), 'conversations.json', { mtime });
  for (const membership of memberships) {
    zip.addReadStream(
      Readable.from(conversationJson(db, membership)),
      `conversations/${membership.conversationId}.json`,
      {
        mtime,
      },
    );
  }

  const uploads = await db
    .selectFrom('uploads')
    .select(['id', 'content_type', 'blob_key'])
    .where('uploader_id', '=', user.id)
    .orderBy('created_at')
    .execute();
  for (const upload of uploads) {
    const name = `pictures/${upload.id}.${EXTENSIONS[upload.content_type] ?? 'bin'}`;
    // Pictures are compressed already; opened only when the archive reaches them.
    zip.addReadStreamLazy(name, { mtime, compress: false }, (callback) => {
      sources.storage.read(upload.blob_key).then(
        (blob) => callback(null, blob?.stream ?? Readable.from([])),
        (error: unknown) => callback(error, Readable.from([])),
      );
    });
  }
  zip.end();
}

/** One conversation's messages as a JSON document, written a page at a time. */
async function* conversationJson(db: Db, membership: Membership): AsyncGenerator<string> {
  yield `{\n  "conversationId": ${membership.conversationId},\n  "peerId": ${membership.peerId},\n  "messages": [`;
  let after = membership.clearedSeq;
  let first = true;
  for (;;) {
    const page = await listMessages(db, membership.conversationId, membership.userId, {
      after,
      limit: EXPORT_PAGE,
      fromEnd: false,
    });
    for (const message of page) {
      yield `${first ? '' : ','}\n    ${JSON.stringify(message)}`;
      first = false;
    }
    const last = page.at(-1);
    if (!last || page.length < EXPORT_PAGE) break;
    after = last.seq;
  }
  yield '\n  ]\n}\n';
}
