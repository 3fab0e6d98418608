import type { ServerFrame } from '@chat/protocol';
import { WebSocket } from 'ws';
import type { ChatUser } from './chat-users.ts';

/** A raw socket that records frames and its close code, for what the client library would hide. */
export function rawSocket(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const frames: ServerFrame[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as ServerFrame));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('error', () => {});
  /** Takes the first frame of that type (and matching `where`), waiting up to 10 s for it to arrive. */
  const next = <T extends ServerFrame['type']>(
    type: T,
    where: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ServerFrame, { type: T }>> => {
    const take = () => {
      const index = frames.findIndex((f) => f.type === type && where(f as Extract<ServerFrame, { type: T }>));
      return index === -1 ? undefined : (frames.splice(index, 1)[0] as Extract<ServerFrame, { type: T }>);
    };
    return new Promise((resolve, reject) => {
      const check = () => {
        const frame = take();
        if (!frame) return;
        cleanUp();
        resolve(frame);
      };
      const timer = setTimeout(() => {
        cleanUp();
        reject(new Error(`no "${type}" frame within 10 s; got ${JSON.stringify(frames)}`));
      }, 10_000);
      const cleanUp = () => {
        clearTimeout(timer);
        socket.off('message', onMessage);
      };
      // Frames are recorded by the listener added first, so by now this one sees them stored.
      const onMessage = () => check();
      socket.on('message', onMessage);
      check();
    });
  };
  return {
    socket,
    frames,
    closed,
    next,
    send: (frame: unknown) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    close: () => socket.close(),
  };
}

export type RawSocket = ReturnType<typeof rawSocket>;

/** A raw socket of `user` on the node at `baseUrl`, admitted by ticket, once `ready` has arrived. */
export async function ticketedSocket(baseUrl: string, user: ChatUser): Promise<RawSocket> {
  const { ticket } = await user.api.wsTicket();
  const client = rawSocket(`${baseUrl.replace(/^http/, 'ws')}/ws?v=1&ticket=${ticket}`);
  await client.next('ready');
  return client;
}
