// The limit row's no-op Koa route, answering one turn of the event loop later (after the turn's I/O, as a coalesced
// counter's requests are): shows how much of a row's speed is that scheduling alone, in its own process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';

const router = new Router();
const body = JSON.stringify({ access_token: 'x'.repeat(43), token_type: 'Bearer', expires_in: 600 });
for (const path of ['/token', '/introspect']) {
  router.post(path, async (ctx) => {
    await new Promise((resolve) => setImmediate(resolve));
    ctx.type = 'application/json';
    ctx.body = body;
  });
}
const app = new Koa().use(router.routes());
const server = createServer(app.callback());
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('message', (message: { type?: string }) => {
  if (message.type !== 'stats') return;
  const cpu = process.cpuUsage();
  process.send!({ type: 'stats', roundTrips: 0, commands: 0, cpuMicros: cpu.user + cpu.system });
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
