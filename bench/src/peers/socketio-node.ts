// The peer people build with Socket.IO: Socket.IO 4 with @socket.io/redis-adapter across nodes,
// each message INSERTed into MariaDB before the sender's ack, then emitted to the recipient's room.
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { peerArgs, peerPool, storeMessage } from './peer-store.ts';

const { port, databaseUrl, redisUrl, prefix } = peerArgs();
const pool = peerPool(databaseUrl);
const publisher = new Redis(redisUrl);
const subscriber = publisher.duplicate();
const io = new Server({ transports: ['websocket'], adapter: createAdapter(publisher, subscriber, { key: prefix }) });

io.on('connection', (socket) => {
  const id = String(socket.handshake.query.id ?? '');
  void socket.join(`u:${id}`);
  socket.on('send', async (frame: { to: string; text: string }, ack: (answer: { ok: boolean }) => void) => {
    try {
      await storeMessage(pool, id, frame.to, frame.text);
      io.to(`u:${frame.to}`).emit('message', { from: id, text: frame.text });
      ack({ ok: true });
    } catch {
      ack({ ok: false });
    }
  });
});

io.listen(port);
console.log(`socket.io peer listening on ${port}`);
