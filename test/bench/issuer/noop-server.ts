// The limit row: a Koa app whose one route answers a fixed small JSON token response, in its own process. With
// ANSWER=next-turn it answers one turn of the event loop later (after the turn's I/O, as requests counted by a
// coalesced counter are): how much of a row's speed that scheduling alone is worth.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa, { type Context } from 'koa';

const router = new Router();
const body = JSON.stringify({ access_token: 'x'.repeat(43), token_type: 'Bearer', expires_in: 600 });
const answer = (ctx: Context): void => {
  ctx.type = 'application/json';
  ctx.body = body;
};
const nextTurn = async (ctx: Context): Promise<void> => {
  await new Promise((resolve) => setImmediate(resolve));
  answer(ctx);
};
for (const path of ['/token', '/introspect']) router.post(path, process.env.ANSWER === 'next-turn' ? nextTurn : answer);
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
