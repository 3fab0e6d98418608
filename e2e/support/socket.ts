import type { Page, WebSocketRoute } from '@playwright/test';

/**
 * Routes the page's WebSocket through the test, so that the test can cut it as a dead network
 * would, lose the server's acks on the way back (the server stored a message, the page never
 * heard), or answer a send with the refusal the server gives one sending too fast. Must run before
 * the page opens its socket.
 */
export async function interceptSocket(page: Page) {
  const routes = new Set<WebSocketRoute>();
  let cut = false;
  let dropAcks = false;
  let refuseText: string | undefined;
  await page.routeWebSocket(/\/ws/, (route) => {
    if (cut) {
      void route.close({ code: 4999, reason: 'network down' });
      return;
    }
    routes.add(route);
    const server = route.connectToServer();
    route.onMessage((frame) => {
      const sent = typeof frame === 'string' ? JSON.parse(frame) : undefined;
      if (sent?.type === 'send' && sent.text === refuseText) {
        refuseText = undefined;
        const refusal = { type: 'error', code: 'rate_limited', message: 'You are sending too fast.', frame: 'send' };
        route.send(JSON.stringify({ ...refusal, clientId: sent.clientId }));
        return;
      }
      server.send(frame);
    });
    server.onMessage((frame) => {
      if (dropAcks && typeof frame === 'string' && frame.includes('"type":"ack"')) return;
      route.send(frame);
    });
    route.onClose(() => routes.delete(route));
  });
  return {
    /** The next send of exactly this text is refused without reaching the server. */
    refuseOnce(text: string) {
      refuseText = text;
    },
    dropAcks(drop: boolean) {
      dropAcks = drop;
    },
    async cut() {
      cut = true;
      for (const route of routes) await route.close({ code: 4999, reason: 'network down' });
      routes.clear();
    },
    restore() {
      cut = false;
    },
  };
}
