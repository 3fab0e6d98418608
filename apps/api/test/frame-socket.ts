import type { ServerFrame, ServerFrameOf, ServerFrameType } from '@chat/protocol';
import type { ChatUser } from './chat-users.ts';
import { type RawSocket, ticketedSocket } from './raw-socket.ts';

/**
 * A raw socket that also asks and waits for the answer: for tests of what the server answers to
 * each send or change, whatever a client library would make of it.
 */
export interface FrameSocket extends RawSocket {
  /** Sends a frame that names itself by `clientId` and resolves with the frame that answers it. */
  request(frame: { clientId: string; [field: string]: unknown }): Promise<ServerFrame>;
  /** The frames of a type received so far (those taken by `next` aside). */
  all<T extends ServerFrameType>(type: T): Array<ServerFrameOf<T>>;
}

export async function openFrameSocket(user: ChatUser, baseUrl: string): Promise<FrameSocket> {
  const raw = await ticketedSocket(baseUrl, user);
  return {
    ...raw,
    request(frame) {
      return new Promise((resolve) => {
        const onMessage = (data: unknown) => {
          const received = JSON.parse(String(data)) as ServerFrame;
          if (!('clientId' in received) || received.clientId !== frame.clientId) return;
          raw.socket.off('message', onMessage);
          resolve(received);
        };
        raw.socket.on('message', onMessage);
        raw.send(frame);
      });
    },
    all: (type) => raw.frames.filter((f) => f.type === type) as never,
  };
}
