import type { ServerFrame, ServerFrameOf, ServerFrameType } from '@chat/protocol';
import { WebSocket } from 'ws';
import type { ChatUser } from './chat-users.ts';

/**
 * A socket that speaks frames as they are on the wire, for tests of what the server answers to each
 * frame, whatever a client library would make of it.
 */
export interface FrameSocket {
  frames: ServerFrame[];
  send(frame: object): void;
  /** Sends a frame that names itself by `clientId` and resolves with the frame that answers it. */
  request(frame: { clientId: string; [field: string]: unknown }): Promise<ServerFrame>;
  /** Resolves with the first matching frame received from now on. */
  next<T extends ServerFrameType>(type: T, match?: (frame: ServerFrameOf<T>) => boolean): Promise<ServerFrameOf<T>>;
  all<T extends ServerFrameType>(type: T): Array<ServerFrameOf<T>>;
  close(): void;
}

export async function openFrameSocket(user: ChatUser, baseUrl: string): Promise<FrameSocket> {
  const { ticket } = await user.api.wsTicket();
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws?v=1&ticket=${ticket}`);
  const frames: ServerFrame[] = [];
  const listeners = new Set<(frame: ServerFrame) => void>();
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as ServerFrame;
    frames.push(frame);
    for (const listener of listeners) listener(frame);
  });
  socket.on('error', () => {});
  const next = <T extends ServerFrameType>(type: T, match: (frame: ServerFrameOf<T>) => boolean = () => true) =>
    new Promise<ServerFrameOf<T>>((resolve) => {
      const listener = (frame: ServerFrame) => {
        if (frame.type !== type || !match(frame as ServerFrameOf<T>)) return;
        listeners.delete(listener);
        resolve(frame as ServerFrameOf<T>);
      };
      listeners.add(listener);
    });
  const refused = new Promise<never>((_, reject) =>
    socket.once('close', (code) => reject(new Error(`socket closed (${code}) before ready`))),
  );
  await Promise.race([next('ready'), refused]);
  refused.catch(() => {});
  return {
    frames,
    send: (frame) => socket.send(JSON.stringify(frame)),
    request(frame) {
      const answer = new Promise<ServerFrame>((resolve) => {
        const listener = (received: ServerFrame) => {
          if (!('clientId' in received) || received.clientId !== frame.clientId) return;
          listeners.delete(listener);
          resolve(received);
        };
        listeners.add(listener);
      });
      socket.send(JSON.stringify(frame));
      return answer;
    },
    next,
    all: (type) => frames.filter((f) => f.type === type) as never,
    close: () => socket.terminate(),
  };
}
