/** Checks that a TCP port is free before the lab tries to use it. */
import net from 'node:net';
import { LabError } from '../errors.js';

/** Resolves when nothing listens on host:port; otherwise throws a LabError naming the variable that moves it. */
export async function assertPortFree(port: number, host: string, what: string, variable: string): Promise<void> {
  const inUse = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)));
  });
  if (inUse) {
    throw new LabError(
      'PORT_TAKEN',
      `Port ${port} (${what}) is already in use by another program. Stop that program, or pick another port: ${variable}=${port + 10} npm start`,
    );
  }
}

/** True once something accepts TCP connections on host:port. */
export function isListening(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
