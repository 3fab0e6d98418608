import type { Message, ServerFrameOf } from '@chat/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeWebSocket } from './fake-socket.ts';
import { memoryOutbox } from './outbox-storage.ts';
import { RealtimeClient, type RealtimeOptions } from './realtime.ts';
import { testMessage } from './test-message.ts';

const stored = (seq: number, clientId = `c${seq}`, senderId = 1): Message => testMessage({ seq, clientId, senderId });

async function connected(options: RealtimeOptions = {}) {
  const fake = fakeWebSocket();
  const client = new RealtimeClient({ baseUrl: 'http://chat.test', WebSocket: fake.WebSocket, ...options });
  const messages: number[] = [];
  const presence: Array<ServerFrameOf<'presence'>> = [];
  const errors: string[] = [];
  client.on('message', (message) => messages.push(message.seq));
  client.on('presence', (frame) => presence.push(frame));
  client.on('error', (frame) => errors.push(frame.code));
  client.connect();
  await vi.advanceTimersByTimeAsync(0);
  return { client, messages, presence, errors, ...fake };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RealtimeClient', () => {
  it('sends written while disconnected go out once ready, and an own message arrives once however often it comes back', async () => {
    const { client, messages, latest } = await connected();
    client.setCursor(7, 2);
    const { clientId, stored: promise } = client.send({ conversationId: 7, text: 'hi' });
    expect(client.unacknowledged).toEqual([clientId]);
    latest().accept();
    expect(latest().sent.map((frame) => frame.type)).toEqual(['sync', 'send']);
    expect(latest().sentOfType('send')[0]).toMatchObject({ clientId, conversationId: 7, text: 'hi' });
    latest().receive({ type: 'ack', clientId, message: stored(3, clientId) });
    await expect(promise).resolves.toMatchObject({ seq: 3 });
    // The same message again, from a sync or a repeated ack: the app sees it once.
    latest().receive({ type: 'message', message: stored(3, clientId), serverTime: 2_000 });
    latest().receive({ type: 'ack', clientId, message: stored(3, clientId) });
    expect(messages).toEqual([3]);
    expect(client.unacknowledged).toEqual([]);
  });

  it('resends a send answered "not known" and rejects only a final refusal', async () => {
    const { client, errors, latest } = await connected();
    latest().accept();
    const unsure = client.send({ conversationId: 7, text: 'a', clientId: 'unsure' });
    const refused = client.send({ conversationId: 7, text: 'b', clientId: 'refused' });
    latest().receive({ type: 'error', code: 'service_unavailable', message: 'Busy.', clientId: 'unsure' });
    latest().receive({ type: 'error', code: 'text_too_long', message: 'Too long.', clientId: 'refused' });
    await expect(refused.stored).rejects.toMatchObject({ name: 'SendError', code: 'text_too_long' });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(
      latest()
        .sentOfType('send')
        .map((frame) => frame.clientId),
    ).toEqual(['unsure', 'refused', 'unsure']);
    latest().receive({ type: 'ack', clientId: 'unsure', message: stored(1, 'unsure') });
    await expect(unsure.stored).resolves.toMatchObject({ clientId: 'unsure' });
    // Errors that answer no pending send go to the app.
    latest().receive({ type: 'error', code: 'malformed_frame', message: 'Bad.' });
    expect(errors).toEqual(['malformed_frame']);
  });

  it('resends what a previous run left in the outbox, under the same ids, and lists it meanwhile', async () => {
    const outbox = memoryOutbox();
    outbox.save({ clientId: 'left', conversationId: 7, text: 'before the reload', createdAt: 5 });
    const { client, latest } = await connected({ outbox });
    expect(client.pendingSends().map((pending) => pending.record.text)).toEqual(['before the reload']);
    latest().accept();
    expect(latest().sentOfType('send')).toEqual([
      { type: 'send', clientId: 'left', conversationId: 7, text: 'before the reload' },
    ]);
    latest().receive({ type: 'ack', clientId: 'left', message: stored(1, 'left') });
    expect(outbox.load()).toEqual([]);
  });

  it('resends every pending send after a reconnect, and catches up from its cursors', async () => {
    const { client, latest } = await connected();
    latest().accept();
    latest().receive({ type: 'message', message: stored(1, 'p', 2), serverTime: 1_500 });
    client.send({ conversationId: 7, text: 'lost ack', clientId: 'x' });
    latest().drop();
    await vi.advanceTimersByTimeAsync(1_000);
    latest().accept();
    expect(latest().sent).toEqual([
      { type: 'sync', cursors: [{ conversationId: 7, seq: 1, changeSeq: 0 }], since: 1_500 },
      { type: 'send', clientId: 'x', conversationId: 7, text: 'lost ack' },
    ]);
  });

  it('passes on a presence only when newer than what it knows, from frames or REST answers', async () => {
    const { client, presence, latest } = await connected();
    latest().accept();
    const at = (online: boolean, version: number) => ({ online, lastSeenAt: online ? null : 1, version });
    latest().receive({ type: 'presence', userId: 2, presence: at(false, 20) });
    // A conversation list read before that change: its snapshot is older and does not win.
    const user = {
      id: 2,
      username: 'bob',
      displayName: null,
      avatarId: null,
      isBot: false,
      deleted: false,
      presence: at(true, 19),
    };
    expect(client.notePresence([user]).get(2)).toEqual(at(false, 20));
    latest().receive({ type: 'presence', userId: 2, presence: at(true, 19) });
    latest().receive({ type: 'presence', userId: 2, presence: at(true, 21) });
    expect(presence.map((frame) => frame.presence.version)).toEqual([20, 21]);
    expect(client.notePresence([{ ...user, presence: at(false, 25) }]).get(2)?.version).toBe(25);
  });

  it('shows an edit at once, resends it after a "not known" answer, and rolls a refused change back', async () => {
    const { client, latest } = await connected();
    const shown: string[] = [];
    client.on('message_changed', (m) => shown.push(m.text || `(deleted ${m.deletedAt !== null})`));
    latest().accept();
    const message = stored(1);
    const edit = client.edit(message, 'edited');
    expect(edit.shown).toMatchObject({ text: 'edited' });
    const [frame] = latest().sentOfType('edit');
    latest().receive({ type: 'error', code: 'service_unavailable', message: 'Busy.', clientId: edit.clientId });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(latest().sentOfType('edit')).toEqual([frame, frame]);
    latest().receive({
      type: 'change_ack',
      clientId: edit.clientId,
      message: { ...message, text: 'edited', changeSeq: 1 },
    });
    await expect(edit.settled).resolves.toMatchObject({ changeSeq: 1 });

    const removal = client.remove({ ...message, text: 'edited', changeSeq: 1 });
    latest().receive({ type: 'error', code: 'edit_window_passed', message: 'Too old.', clientId: removal.clientId });
    await expect(removal.settled).rejects.toMatchObject({ name: 'ChangeError', code: 'edit_window_passed' });
    expect(shown).toEqual(['edited', 'edited', '(deleted true)', 'edited']);
  });

  it("toggles the user's reaction from what the message shows", async () => {
    const { client, latest } = await connected();
    latest().accept();
    const message = stored(1);
    client.react(message, '👍');
    client.react(message, '👍');
    expect(
      latest()
        .sentOfType('react')
        .map((f) => f.on),
    ).toEqual([true, false]);
  });

  it('asks again a second later when the server refuses a sync (rate limited), so nothing stays missing', async () => {
    const { client, latest } = await connected();
    latest().accept();
    client.sync();
    const before = latest().sentOfType('sync').length;
    latest().receive({ type: 'error', code: 'rate_limited', message: 'Too many syncs', frame: 'sync' });
    await vi.advanceTimersByTimeAsync(500);
    expect(latest().sentOfType('sync').length).toBe(before);
    await vi.advanceTimersByTimeAsync(600);
    expect(latest().sentOfType('sync').length).toBe(before + 1);
  });
});
