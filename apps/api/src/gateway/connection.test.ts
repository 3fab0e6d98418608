import { CLOSE_CODES } from '@chat/protocol';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { Connection, MAX_BUFFERED_BYTES } from './connection.ts';

/** Stands in for a ws socket whose peer stopped reading: the kernel buffers are full, so bytes queue in ws. */
function stuckSocket() {
  const socket = {
    bufferedAmount: 0,
    sent: [] as string[],
    closedWith: undefined as number | undefined,
    send(text: string) {
      this.sent.push(text);
      this.bufferedAmount += text.length;
    },
    close(code: number) {
      this.closedWith = code;
    },
  };
  return socket;
}

describe('Connection', () => {
  it('drops a client whose unsent buffer passes the bound, with 4008, and sends it nothing more', () => {
    const socket = stuckSocket();
    const connection = new Connection('n:1', 1, 'hash', socket as unknown as WebSocket);
    const frame = 'x'.repeat(64 * 1024);
    while (socket.bufferedAmount <= MAX_BUFFERED_BYTES) connection.sendText(frame);
    expect(socket.closedWith).toBe(CLOSE_CODES.slowConsumer);
    const sentBefore = socket.sent.length;
    connection.sendText(frame);
    expect(socket.sent.length).toBe(sentBefore);
  });

  it('keeps a client that reads', () => {
    const socket = stuckSocket();
    const connection = new Connection('n:1', 1, 'hash', socket as unknown as WebSocket);
    for (let i = 0; i < 100; i++) {
      connection.sendText('x'.repeat(64 * 1024));
      socket.bufferedAmount = 0;
    }
    expect(socket.closedWith).toBeUndefined();
  });
});
