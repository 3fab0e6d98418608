import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Refuses new connections and cuts the open ones: the upstream looks dead. */
  cut(): void;
  /** Accepts and forwards again. */
  restore(): void;
  /** Sends new connections elsewhere (a load balancer picking another node). */
  retarget(port: number): void;
  close(): Promise<void>;
}

/** A proxy the test controls in front of a shared service, so an outage never touches the service itself. */
export async function startTcpProxy(upstreamHost: string, upstreamPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let open = true;
  let target = upstreamPort;
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target, upstreamHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  // A backlog as deep as the server's (see LISTEN_BACKLOG in main.ts): thousands of clients
  // reconnecting at once through one proxy must not wait out TCP's retransmission timer here.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 8192 }, resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    retarget(port) {
      target = port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
