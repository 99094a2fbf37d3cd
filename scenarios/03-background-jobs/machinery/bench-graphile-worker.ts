/**
 * The benchmark's graphile-worker process: the same welcome-email job as solution/worker.ts,
 * on graphile-worker (a well-kept job queue on PostgreSQL), with the same jobs at a time per
 * process. Run by bench-queue.ts, never by the lab.
 */
import { run } from 'graphile-worker';

const DATABASE_URL = process.env.DATABASE_URL;
const MAIL_API_URL = process.env.MAIL_API_URL;
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 6);
if (!DATABASE_URL || !MAIL_API_URL) throw new Error('DATABASE_URL and MAIL_API_URL must be set');

const runner = await run({
  connectionString: DATABASE_URL,
  concurrency: CONCURRENCY,
  // Its claims and completions on few connections, as a worker of the lab's budget would.
  maxPoolSize: CONCURRENCY + 1,
  pollInterval: 1_000,
  taskList: {
    async welcome_email(payload) {
      const { jobId } = payload as { jobId: number };
      const response = await fetch(`${MAIL_API_URL}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `welcome-email-${jobId}` },
        body: JSON.stringify({ to: `bench-${jobId}@example.test`, subject: 'Welcome!', text: 'Thanks for signing up.', jobId }),
      });
      if (!response.ok) throw new Error(`the provider answered ${response.status}`);
    },
  },
});
console.log('graphile-worker is working');
await runner.promise;
