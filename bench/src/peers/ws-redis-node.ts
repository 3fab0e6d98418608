// The lean peer: bare `ws` nodes that INSERT each message into MariaDB before acking, then deliver
// it locally or publish it on one Redis channel that every node reads.
import { Redis } from 'ioredis';
import { type WebSocket, WebSocketServer } from 'ws';
import { peerArgs, peerPool, storeMessage } from './peer-store.ts';

const { port, databaseUrl, redisUrl, prefix } = peerArgs();
const pool = peerPool(databaseUrl);
const publisher = new Redis(redisUrl);
const subscriber = publisher.duplicate();
const channel = `${prefix}messages`;
const sockets = new Map<string, WebSocket>();

const deliver = (to: string, frame: string) => sockets.get(to)?.send(frame);

void subscriber.subscribe(channel);
subscriber.on('message', (_channel, payload: string) => {
  const newline = payload.indexOf('\n');
  deliver(payload.slice(0, newline), payload.slice(newline + 1));
});

const server = new WebSocketServer({ port, host: '127.0.0.1' });
server.on('connection', (socket, request) => {
  const id = new URL(request.url ?? '/', 'http://peer').searchParams.get('id') ?? '';
  sockets.set(id, socket);
  socket.on('message', async (data) => {
    const frame = JSON.parse(String(data)) as { to: string; text: string };
    try {
      await storeMessage(pool, id, frame.to, frame.text);
      const out = JSON.stringify({ from: id, text: frame.text });
      if (sockets.has(frame.to)) deliver(frame.to, out);
      else await publisher.publish(channel, `${frame.to}\n${out}`);
      socket.send('{"ok":true}');
    } catch {
      socket.send('{"ok":false}');
    }
  });
  socket.on('close', () => {
    if (sockets.get(id) === socket) sockets.delete(id);
  });
});
server.on('listening', () => console.log(`ws+redis peer listening on ${port}`));
