/** Home page of the lab server until the live dashboard exists. */
import type { LabRoutes } from '../supervisor/context.js';

export const placeholderHomePage: LabRoutes = async (server, context) => {
  server.get('/', async (_request, reply) => {
    reply.type('text/html; charset=utf-8');
    const port = context.app.port;
    return `<!doctype html><meta charset="utf-8"><title>Scenario 1 lab</title>
<h1>Scenario 1 — lab dashboard</h1>
<p>The live dashboard is coming soon. Meanwhile the app is at
<a href="http://localhost:${port}/feed">localhost:${port}/feed</a>
and its metrics at <a href="http://localhost:${port}/metrics">/metrics</a>.</p>`;
  });
};
