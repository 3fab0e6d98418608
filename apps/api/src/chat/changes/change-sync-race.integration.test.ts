import { randomUUID } from 'node:crypto';
import { type Message, newerMessage } from '@chat/protocol';
import { describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../../test/backends.ts';
import { createChatUser } from '../../../test/chat-users.ts';
import { serverWithFailpoints } from '../../../test/failpoint-server.ts';
import { openFrameSocket } from '../../../test/frame-socket.ts';

/** Long enough for an edit to commit on a busy machine while the sync waits between its two reads (it starts once the node says the sync got there). */
const SYNC_PAUSE_MS = 3000;

describe.each(BACKENDS)('a change racing a sync on %s', (kind: BackendKind) => {
  const server = serverWithFailpoints(kind, `sync.before-changes=delay(${SYNC_PAUSE_MS})`);

  it('never hands out a change cursor past a change it did not deliver', async () => {
    const alice = await createChatUser(server.url);
    const bob = await createChatUser(server.url);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const [a, b] = await Promise.all([openFrameSocket(alice, server.url), openFrameSocket(bob, server.url)]);
    try {
      const sent = await a.request({ type: 'send', clientId: 'm', conversationId: conversation.id, text: 'draft 1' });
      const { id } = (sent as { message: Message }).message;
      await a.request({ type: 'edit', clientId: randomUUID(), messageId: id, text: 'draft 2' });

      // Bob syncs from before both edits; the second edit commits while his sync waits between its reads.
      const syncedFrame = b.next('synced');
      b.send({ type: 'sync', since: 0, cursors: [{ conversationId: conversation.id, seq: 1, changeSeq: 0 }] });
      await expect.poll(() => server.output().includes('failpoint sync.before-changes reached')).toBe(true);
      const edited = await a.request({ type: 'edit', clientId: randomUUID(), messageId: id, text: 'draft 3' });
      expect(edited).toMatchObject({ type: 'change_ack', message: { changeSeq: 2 } });
      const synced = await syncedFrame;

      const states = b.frames.flatMap((f) => (f.type === 'message_changed' ? [f.message] : []));
      const final = states.reduce(newerMessage);
      expect(final).toMatchObject({ text: 'draft 3', changeSeq: 2 });
      // The cursor the sync hands out was read before the edit that raced it, so the next sync
      // from it asks for that edit again rather than skipping it had its live event been lost.
      expect(synced.changeSeqs).toEqual([{ conversationId: conversation.id, changeSeq: 1 }]);
    } finally {
      a.close();
      b.close();
    }
  });
});
