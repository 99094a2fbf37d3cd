// How fast can the load test itself go? It puts the same 200 users on a server that does no
// work (a separate process answering `{}` at once), so any limit seen is the generator's.
// Compare with the fixed app's req/s: the generator should be well above it (goal ≥ 3×),
// or the load test would be measuring itself instead of the app.
//
//   node --import tsx bench/loadtest-ceiling.ts [seconds]      (default 10)
import { spawn } from 'node:child_process';
import { startLoad } from '../lab/loadtest/generator.js';
import { isListening } from '../lab/net/ports.js';
import { freePort } from '../lab/net/free-port.js';

const seconds = Number(process.argv[2] ?? 10);
const port = await freePort();
const noWorkServer = `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end('{}'); }).listen(${port}, '127.0.0.1')`;
const server = spawn(process.execPath, ['-e', noWorkServer], { stdio: 'inherit' });
try {
  while (!(await isListening(port))) await new Promise((resolve) => setTimeout(resolve, 50));
  const result = await startLoad({ port, route: '/', users: 200, durationSeconds: seconds, requestTimeoutSeconds: 20 }).finished;
  const perSecond = result.counts.answered / result.elapsedSeconds;
  console.log(`generator ceiling: ${Math.round(perSecond)} req/s with 200 users for ${result.elapsedSeconds.toFixed(1)} s (p99 ${result.latencyMs.p99.toFixed(1)} ms, failed ${result.counts.answered - result.counts.succeeded + result.counts.timeouts + result.counts.connectionErrors})`);
} finally {
  server.kill('SIGTERM');
}
process.exit(0);
