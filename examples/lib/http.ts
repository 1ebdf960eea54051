// Listening and closing for the demo's servers: a preferred port that falls back to a free one when taken, URLs that
// are right for IPv6 hosts too, and a close that does not wait for browsers' idle keep-alive connections.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `http://host:port` for a host name, an IPv4 or an IPv6 address. */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function bind(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Listens on `host:port`; when that port is taken (and `port` is not 0), on a free port instead.
 * @param server - a server not yet listening
 * @param host - the address to bind
 * @param port - the preferred port; 0 for any free port
 * @returns the URL it listens on, and whether the preferred port was taken
 * @throws the listen error for anything but a taken port (a host that is not local, no permission…)
 */
export async function listen(server: Server, host: string, port: number): Promise<{ url: string; fellBack: boolean }> {
  try {
    return { url: httpUrl(host, await bind(server, host, port)), fellBack: false };
  } catch (err) {
    if (port === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return { url: httpUrl(host, await bind(server, host, 0)), fellBack: true };
  }
}

/** Stops a server: no new connections, open ones (idle keep-alives of a browser included) closed now. */
export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((err) => (err === undefined ? resolve() : reject(err)));
    server.closeAllConnections();
  });
}
