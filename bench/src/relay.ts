// The practical ceiling: a bare WebSocket relay that stores nothing, checks nothing and forwards each
// frame to the one connection it names. Run as its own process so its CPU can be measured alone.
import { type WebSocket, WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 0);
const sockets = new Map<string, WebSocket>();
const server = new WebSocketServer({ port, host: '127.0.0.1' });

server.on('connection', (socket, request) => {
  const id = new URL(request.url ?? '/', 'http://relay').searchParams.get('id') ?? '';
  sockets.set(id, socket);
  socket.on('message', (data) => {
    const text = String(data);
    // Frames are {"to":"<id>",...}; the relay reads only the recipient.
    const to = /"to":"([^"]+)"/.exec(text)?.[1];
    if (to) sockets.get(to)?.send(text);
  });
  socket.on('close', () => {
    if (sockets.get(id) === socket) sockets.delete(id);
  });
});

server.on('listening', () => {
  const address = server.address();
  console.log(`relay listening on ${typeof address === 'object' && address ? address.port : address}`);
});
