import { randomUUID } from 'node:crypto';
import { ApiError } from '@chat/client';
import { type Message, SEARCH_LIMITS, type SearchResult } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser } from '../../test/chat-users.ts';
import { type FrameSocket, openFrameSocket } from '../../test/frame-socket.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';
import { backfillSearchIndex } from '../chat/search-index/backfill.ts';
import { SPAN_MESSAGES, spanOf } from '../chat/search-index/tokens.ts';

describe.each(BACKENDS)('message search on %s', (kind: BackendKind) => {
  let environment: TestEnvironment;
  let server: TestServer;
  const sockets: FrameSocket[] = [];

  beforeAll(async () => {
    environment = await createEnvironment(kind);
    server = await startServer({ ...environment.backend.env, TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
    await environment.dispose();
  });

  async function person(): Promise<{ user: ChatUser; socket: FrameSocket }> {
    const user = await createChatUser(server.url);
    const socket = await openFrameSocket(user, server.url);
    sockets.push(socket);
    return { user, socket };
  }

  async function send(socket: FrameSocket, conversationId: number, text: string): Promise<Message> {
    const answer = await socket.request({ type: 'send', clientId: randomUUID(), conversationId, text });
    if (answer.type !== 'ack') throw new Error(`send refused: ${JSON.stringify(answer)}`);
    return answer.message;
  }

  async function change(socket: FrameSocket, frame: object): Promise<void> {
    const answer = await socket.request({ clientId: randomUUID(), ...frame });
    if (answer.type !== 'change_ack' && answer.type !== 'message_hidden') throw new Error(JSON.stringify(answer));
  }

  /** Alice and Bob with a conversation between them. */
  async function pair() {
    const alice = await person();
    const bob = await person();
    const { conversation } = await alice.user.api.openConversation(bob.user.me.id);
    return { alice, bob, conversationId: conversation.id };
  }

  const found = (results: SearchResult[]) => results.map((r) => r.messageId);
  const marked = (result: SearchResult | undefined) =>
    result?.highlights.map((h) => result.snippet.slice(h.start, h.end));

  async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof ApiError)) throw new Error('expected a refusal');
    return { status: error.status, code: error.code };
  }

  it('finds English words by their start, with the conversation, the peer, highlights and the time', async () => {
    const { alice, bob, conversationId } = await pair();
    const sent = await send(alice.socket, conversationId, 'Shall we have a Meeting tomorrow?');
    await send(bob.socket, conversationId, 'Sure, see you then');

    const { results, nextCursor } = await bob.user.api.search({ q: 'meet' });
    expect(nextCursor).toBeNull();
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result).toMatchObject({
      messageId: sent.id,
      conversationId,
      seq: sent.seq,
      senderId: alice.user.me.id,
      peer: { id: alice.user.me.id },
      snippet: 'Shall we have a Meeting tomorrow?',
      createdAt: sent.createdAt,
      editedAt: null,
    });
    expect(marked(result)).toEqual(['Meet']);
    // Every word must occur.
    expect(found((await bob.user.api.search({ q: 'meeting yesterday' })).results)).toEqual([]);
    expect(found((await alice.user.api.search({ q: 'tomorrow MEETING' })).results)).toEqual([sent.id]);
  });

  it('finds Chinese and Japanese text by any part of it, one character included', async () => {
    const { alice, bob, conversationId } = await pair();
    const japanese = await send(alice.socket, conversationId, '東京駅で会いましょう');
    const chinese = await send(bob.socket, conversationId, '我们明天在北京见面');

    const tokyo = await bob.user.api.search({ q: '東京' });
    expect(found(tokyo.results)).toEqual([japanese.id]);
    expect(marked(tokyo.results[0])).toEqual(['東京']);
    expect(found((await bob.user.api.search({ q: '会いましょう' })).results)).toEqual([japanese.id]);
    expect(found((await bob.user.api.search({ q: '駅' })).results)).toEqual([japanese.id]);
    expect(found((await bob.user.api.search({ q: 'う' })).results)).toEqual([japanese.id]);
    expect(found((await alice.user.api.search({ q: '北京' })).results)).toEqual([chinese.id]);
    // As written: the characters must stand together, in this order.
    expect(found((await alice.user.api.search({ q: '京東' })).results)).toEqual([]);
    expect(found((await alice.user.api.search({ q: '東京会' })).results)).toEqual([]);
  });

  it('finds an edited message by its new text only, and never a deleted one', async () => {
    const { alice, bob, conversationId } = await pair();
    const edited = await send(alice.socket, conversationId, 'the old wording');
    const deleted = await send(alice.socket, conversationId, 'wording to delete for everyone');
    const hidden = await send(alice.socket, conversationId, 'wording bob hides for himself');

    await change(alice.socket, { type: 'edit', messageId: edited.id, text: 'the new wording' });
    await change(alice.socket, { type: 'delete', messageId: deleted.id, forEveryone: true });
    await change(bob.socket, { type: 'delete', messageId: hidden.id, forEveryone: false });

    expect(found((await bob.user.api.search({ q: 'old' })).results)).toEqual([]);
    const renewed = await bob.user.api.search({ q: 'new wording' });
    expect(found(renewed.results)).toEqual([edited.id]);
    expect(renewed.results[0]?.editedAt).toEqual(expect.any(Number));
    expect(found((await bob.user.api.search({ q: 'wording' })).results)).toEqual([edited.id]);
    // Deleted for Bob only: Alice still finds it.
    expect(found((await alice.user.api.search({ q: 'wording' })).results)).toEqual([hidden.id, edited.id]);

    // Deleting the conversation for himself clears Bob's history: nothing of it is found for him.
    await bob.user.api.deleteConversation(conversationId);
    expect(found((await bob.user.api.search({ q: 'wording' })).results)).toEqual([]);
    expect(found((await alice.user.api.search({ q: 'wording' })).results)).toEqual([hidden.id, edited.id]);
  });

  it("never finds another pair's messages, by a word or by its start", async () => {
    const first = await pair();
    const second = await pair();
    const theirs = await send(second.alice.socket, second.conversationId, 'quarterly marmalade figures');
    const ours = await send(first.alice.socket, first.conversationId, 'marmalade for breakfast');

    expect(found((await first.bob.user.api.search({ q: 'marmalade' })).results)).toEqual([ours.id]);
    expect(found((await first.bob.user.api.search({ q: 'quarterly' })).results)).toEqual([]);
    expect(found((await second.bob.user.api.search({ q: 'mar' })).results)).toEqual([theirs.id]);
  });

  it('reads back across spans of the index: newest first, paged, and a word found only long ago', async () => {
    const { alice, bob, conversationId } = await pair();
    const old = await send(alice.socket, conversationId, 'the lighthouse keeper');
    // Ids move three spans on, as a busy server's would: another pair's message, stored and removed.
    const other = await pair();
    const { db } = server.app.database;
    const jump = (spanOf(old.id) + 3) * SPAN_MESSAGES;
    const placeholder = {
      conversation_id: other.conversationId,
      seq: 1,
      sender_id: other.alice.user.me.id,
      client_id: randomUUID(),
      text: '',
      created_at: Date.now(),
    };
    await db
      .insertInto('messages')
      .values({ id: jump, ...placeholder })
      .execute();
    await db.deleteFrom('messages').where('id', '=', jump).execute();
    const recent = await send(bob.socket, conversationId, 'lighthouse at dawn');
    expect(spanOf(recent.id)).toBe(spanOf(old.id) + 3);

    expect(found((await alice.user.api.search({ q: 'lighthouse' })).results)).toEqual([recent.id, old.id]);
    expect(found((await alice.user.api.search({ q: 'keeper', conversationId })).results)).toEqual([old.id]);
    const first = await bob.user.api.search({ q: 'light', limit: 1 });
    expect(found(first.results)).toEqual([recent.id]);
    const next = await bob.user.api.search({ q: 'light', limit: 1, cursor: first.nextCursor ?? '' });
    expect(found(next.results)).toEqual([old.id]);
    expect(next.nextCursor).toBeNull();
  });

  it('finds messages again once the index is rebuilt, as after the migration that empties it', async () => {
    const { alice, bob, conversationId } = await pair();
    const older = await send(alice.socket, conversationId, 'chrysanthemum tea 菊花茶');
    const { db } = server.app.database;
    await db.deleteFrom('message_search').where('message_id', '=', older.id).execute();
    expect(found((await bob.user.api.search({ q: 'chrysanthemum' })).results)).toEqual([]);

    await backfillSearchIndex(server.app.database, server.app.log);
    expect(found((await bob.user.api.search({ q: 'chrysanthemum' })).results)).toEqual([older.id]);
    expect(found((await alice.user.api.search({ q: '菊花', conversationId })).results)).toEqual([older.id]);
  });

  it('pages newest first, in one conversation or all of them', async () => {
    const { alice, bob, conversationId } = await pair();
    const carol = await person();
    const { conversation: other } = await alice.user.api.openConversation(carol.user.me.id);
    const sent: Message[] = [];
    for (let i = 1; i <= 5; i++) sent.push(await send(alice.socket, conversationId, `report number ${i}`));
    const toCarol = await send(alice.socket, other.id, 'report for carol');

    const first = await alice.user.api.search({ q: 'report', limit: 4 });
    expect(found(first.results)).toEqual([toCarol.id, sent[4]?.id, sent[3]?.id, sent[2]?.id]);
    const second = await alice.user.api.search({ q: 'report', limit: 4, cursor: first.nextCursor ?? undefined });
    expect([found(second.results), second.nextCursor]).toEqual([[sent[1]?.id, sent[0]?.id], null]);

    const inOne = await alice.user.api.search({ q: 'report', conversationId: other.id });
    expect(found(inOne.results)).toEqual([toCarol.id]);
    expect(inOne.results[0]?.peer.id).toBe(carol.user.me.id);
    // Bob finds what is in his conversation with Alice, never what Alice wrote to Carol.
    expect(found((await bob.user.api.search({ q: 'report', limit: 50 })).results)).toEqual(
      sent.map((m) => m.id).reverse(),
    );
  });

  it('refuses an empty query, an over-long one, and a conversation the caller is not in', async () => {
    const { alice, conversationId } = await pair();
    const stranger = await person();
    await send(alice.socket, conversationId, 'a private secret');

    expect(await refusal(stranger.user.api.search({ q: '' }))).toEqual({ status: 400, code: 'search_query_empty' });
    expect(await refusal(stranger.user.api.search({ q: ' ?! ' }))).toEqual({ status: 400, code: 'search_query_empty' });
    const tooLong = 'a'.repeat(SEARCH_LIMITS.maxQueryLength + 1);
    expect(await refusal(stranger.user.api.search({ q: tooLong }))).toEqual({
      status: 400,
      code: 'search_query_too_long',
    });
    expect(await refusal(stranger.user.api.search({ q: 'secret', conversationId }))).toEqual({
      status: 404,
      code: 'not_found',
    });
    expect(await refusal(stranger.user.api.search({ q: 'secret', cursor: 'abc' }))).toMatchObject({ status: 400 });
    // Another user's conversations never appear.
    expect(found((await stranger.user.api.search({ q: 'secret' })).results)).toEqual([]);
  });

  it('limits how often one user searches', async () => {
    const alice = await person();
    let status = 0;
    for (let i = 0; i <= SEARCH_LIMITS.perMinute && status === 0; i++)
      status = await alice.user.api.search({ q: 'anything' }).then(
        () => 0,
        (e: unknown) => (e instanceof ApiError && e.code === 'rate_limited' ? e.status : -1),
      );
    expect(status).toBe(429);
  });
});
