/**
 * A stand-in for the mail provider's API: the one part of this scenario that cannot be real
 * (the lab has no network, and a real provider would send real emails). The lab runs it, says
 * so, and gives its URL to the API and the workers (MAIL_API_URL).
 *
 * It behaves as a provider's HTTP API does where the lesson needs it: each message takes a
 * latency drawn uniformly between 100 and 300 ms (a real provider's API answers in about that),
 * every message is recorded with its job's id, and an Idempotency-Key header already seen is
 * answered with the first answer and sends nothing (as Stripe's and most mail providers' APIs
 * do). It counts duplicates: a job whose email was delivered more than once. It can be told to
 * fail a share of requests or to slow down (POST /control), as a real provider sometimes does.
 *
 *   POST /v1/messages   {to, subject, text, jobId}, optional Idempotency-Key header
 *   GET  /stats         {delivered, duplicates, jobs, idempotentReplays, failed, control}
 *   GET  /deliveries?from=A&to=B   per job from A to B: {"counts": {emails sent}, "replays": {requests answered by key}}
 *   POST /control       {failShare: 0..1, slowFactor: 1..20}
 *   POST /reset         forget every message (the lab's tests and checks start from zero)
 *   GET  /health, /metrics
 */
import Fastify from 'fastify';
import client from 'prom-client';

const PORT = Number(process.env.PORT ?? 0);
const HOST = process.env.HOST ?? '127.0.0.1';

/** The latency of one message, uniform between these, times the slow factor. */
const LATENCY_MS = { min: 100, max: 300 };

interface Delivery {
  status: number;
  body: unknown;
}

const deliveriesByJob = new Map<number, number>();
const replaysByJob = new Map<number, number>();
const answersByKey = new Map<string, Promise<Delivery>>();
const control = { failShare: 0, slowFactor: 1 };
const stats = { delivered: 0, duplicates: 0, idempotentReplays: 0, failed: 0 };
/** Bumped by POST /reset: a message still on its way from before is then forgotten, not counted. */
let generation = 0;

const registry = new client.Registry();
const messages = new client.Counter({ name: 'mail_messages_total', help: 'Emails the stand-in delivered.', registers: [registry] });
const duplicates = new client.Counter({ name: 'mail_duplicate_messages_total', help: 'Deliveries of an email whose job had already been delivered.', registers: [registry] });
const replays = new client.Counter({ name: 'mail_idempotent_replays_total', help: 'Requests whose Idempotency-Key was already seen: answered again, nothing sent.', registers: [registry] });
const failures = new client.Counter({ name: 'mail_failed_requests_total', help: 'Requests the stand-in failed on purpose (POST /control failShare).', registers: [registry] });
const latency = new client.Histogram({
  name: 'mail_request_duration_seconds',
  help: 'Time the stand-in took to answer a message request.',
  buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5],
  registers: [registry],
});

const app = Fastify();

app.get('/health', async () => ({ status: 'ok' }));
app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
app.get('/stats', async () => ({ ...stats, jobs: deliveriesByJob.size, control }));

function countsBetween(byJob: Map<number, number>, from: number, to: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [jobId, n] of byJob) if (jobId >= from && jobId <= to) counts[jobId] = n;
  return counts;
}

/**
 * The checks ask this of the jobs they queued: a job delivered twice shows 2 in `counts`, one
 * never delivered is absent; `replays` counts the requests answered again by Idempotency-Key.
 */
app.get<{ Querystring: { from: number; to: number } }>(
  '/deliveries',
  {
    schema: {
      querystring: {
        type: 'object',
        required: ['from', 'to'],
        properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } },
      },
    },
  },
  async (request) => {
    const { from, to } = request.query;
    return { counts: countsBetween(deliveriesByJob, from, to), replays: countsBetween(replaysByJob, from, to) };
  },
);

app.post<{ Body: { failShare?: number; slowFactor?: number } }>(
  '/control',
  {
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { failShare: { type: 'number', minimum: 0, maximum: 1 }, slowFactor: { type: 'number', minimum: 1, maximum: 20 } },
      },
    },
  },
  async (request) => {
    Object.assign(control, request.body);
    return control;
  },
);

app.post('/reset', async () => {
  generation += 1;
  deliveriesByJob.clear();
  replaysByJob.clear();
  answersByKey.clear();
  Object.assign(stats, { delivered: 0, duplicates: 0, idempotentReplays: 0, failed: 0 });
  Object.assign(control, { failShare: 0, slowFactor: 1 });
  return stats;
});

app.post<{ Body: { to: string; subject: string; text: string; jobId: number } }>(
  '/v1/messages',
  {
    schema: {
      body: {
        type: 'object',
        required: ['to', 'subject', 'jobId'],
        properties: { to: { type: 'string', minLength: 3 }, subject: { type: 'string' }, text: { type: 'string' }, jobId: { type: 'integer', minimum: 1 } },
      },
    },
  },
  async (request, reply) => {
    const stop = latency.startTimer();
    const key = request.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' && key.length > 0 ? key : undefined;
    const earlier = idempotencyKey === undefined ? undefined : answersByKey.get(idempotencyKey);
    if (earlier) {
      stats.idempotentReplays += 1;
      replays.inc();
      replaysByJob.set(request.body.jobId, (replaysByJob.get(request.body.jobId) ?? 0) + 1);
      const answer = await earlier;
      stop();
      return reply.code(answer.status).send(answer.body);
    }
    const answer = deliver(request.body.jobId);
    if (idempotencyKey !== undefined) answersByKey.set(idempotencyKey, answer);
    const { status, body } = await answer;
    // A failed request sent nothing: the same key may try again.
    if (status !== 202 && idempotencyKey !== undefined) answersByKey.delete(idempotencyKey);
    stop();
    return reply.code(status).send(body);
  },
);

async function deliver(jobId: number): Promise<Delivery> {
  const started = generation;
  const wait = (LATENCY_MS.min + Math.random() * (LATENCY_MS.max - LATENCY_MS.min)) * control.slowFactor;
  await new Promise((resolve) => setTimeout(resolve, wait));
  if (started !== generation) return { status: 202, body: { id: `msg-${jobId}-forgotten`, status: 'queued for delivery' } };
  if (Math.random() < control.failShare) {
    stats.failed += 1;
    failures.inc();
    return { status: 503, body: { error: 'temporarily unavailable, try again later' } };
  }
  const before = deliveriesByJob.get(jobId) ?? 0;
  deliveriesByJob.set(jobId, before + 1);
  stats.delivered += 1;
  messages.inc();
  if (before > 0) {
    stats.duplicates += 1;
    duplicates.inc();
  }
  return { status: 202, body: { id: `msg-${jobId}-${before + 1}`, status: 'queued for delivery' } };
}

await app.listen({ port: PORT, host: HOST });
console.log(`mail provider stand-in listening on http://${HOST}:${PORT} (not a real provider: nothing leaves this machine)`);
