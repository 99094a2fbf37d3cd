/**
 * A tiny HTTP server on 127.0.0.1 whose every answer is decided by a script, from the
 * request's number (1, 2, 3, … in arrival order) and, when the script wants them, its method,
 * path and body. It counts what it did, so a test can compare the load test's summary with
 * what really happened.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptedAction =
  | { kind: 'answer'; status: number; body?: string; delayMs?: number }
  /** Close the connection without answering: 'end' sends FIN, 'reset' sends RST. */
  | { kind: 'close'; how: 'end' | 'reset' }
  /** Never answer (the client times out, or the run ends with it in flight). */
  | { kind: 'hold' };

/** A request as the script sees it, once its body has arrived. */
export interface ScriptedRequest {
  method: string;
  /** The path with its query, as sent. */
  url: string;
  body: string;
}

export interface ScriptedServer {
  port: number;
  /** How many requests arrived. */
  received(): number;
  close(): Promise<void>;
}

export async function startScriptedServer(script: (requestNumber: number, request: ScriptedRequest) => ScriptedAction): Promise<ScriptedServer> {
  let received = 0;
  const server = http.createServer((request, response) => {
    received += 1;
    const requestNumber = received;
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => act(script(requestNumber, { method: request.method ?? '', url: request.url ?? '', body }), request, response));
  });
  const act = (action: ScriptedAction, request: http.IncomingMessage, response: http.ServerResponse) => {
    if (action.kind === 'hold') return;
    if (action.kind === 'close') {
      if (action.how === 'reset') request.socket.resetAndDestroy();
      else request.socket.destroy();
      return;
    }
    const answer = () => {
      response.writeHead(action.status, { 'content-type': 'application/json' });
      response.end(action.body ?? '{}');
    };
    if (action.delayMs) setTimeout(answer, action.delayMs);
    else answer();
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
