/**
 * Drill controls on the lab server. POST /api/chaos/db {"seconds": N} takes the database away
 * for N seconds and answers once it is back; POST /api/chaos/kill {"role"?, "process"?} kills
 * one of the scenario's processes with SIGKILL (the app's, when neither is given) and answers
 * which one, its pid and when. POST /api/chaos/noisy {"role" or "process", "seconds"} holds one
 * process (the role's first, when no process is named) to one core beside a CPU burner for that long.
 * The supervisor owns every process, so the drills act here,
 * inside it; `npm run chaos` calls these routes and watches from outside.
 */
import { LabError } from '../errors.js';
import { readRunningLab, writeLabState } from '../lab-state.js';
import type { LabRoutes } from '../lab-context.js';
import { cpuAffinity } from '../os/cpu-affinity.js';
import { takeDatabaseAway } from './database-outage.js';
import { startNoisyNeighbour, type RunningNoisyNeighbour } from './noisy-neighbour.js';

export const MAX_OUTAGE_SECONDS = 60;
/** A noisy neighbour stays at most this long: long enough for two load tests side by side. */
export const MAX_NOISY_SECONDS = 120;

export const chaosRoutes: LabRoutes = async (server, context) => {
  let busy = false;
  server.post<{ Body: { seconds: number } }>(
    '/api/chaos/db',
    {
      schema: {
        body: {
          type: 'object',
          required: ['seconds'],
          additionalProperties: false,
          properties: { seconds: { type: 'integer', minimum: 1, maximum: MAX_OUTAGE_SECONDS } },
        },
      },
    },
    async (request, reply) => {
      if (busy) return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: 'a database drill is already running' });
      busy = true;
      try {
        const timing = await takeDatabaseAway(context.database, request.body.seconds);
        // Other commands find the server's pid in .lab/lab.json: keep it true after the restart.
        const file = context.lab.paths.labState;
        const state = readRunningLab(file);
        if (state && timing.postgresPid !== undefined) writeLabState({ ...state, postgresPid: timing.postgresPid }, file);
        return timing;
      } finally {
        busy = false;
      }
    },
  );

  // No body kills the app's process: the body is checked here rather than by a schema, which
  // would refuse a POST without one.
  server.post<{ Body: unknown }>('/api/chaos/kill', async (request, reply) => {
    const target = killTarget(request.body);
    if (typeof target === 'string') return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: target });
    try {
      return context.fleet.kill(target);
    } catch (error) {
      if (!(error instanceof LabError)) throw error;
      return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: error.message });
    }
  });

  let noisy: RunningNoisyNeighbour | undefined;
  server.addHook('onClose', async () => {
    await noisy?.stop();
  });
  server.post<{ Body: unknown }>('/api/chaos/noisy', async (request, reply) => {
    const target = noisyTarget(request.body);
    if (typeof target === 'string') return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: target });
    if (noisy) return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: `a noisy neighbour is already beside ${noisy.started.name} until ${new Date(noisy.started.endsAt).toLocaleTimeString()}` });
    const running = context.fleet.members().filter((member) => member.pid !== undefined);
    const chosen =
      target.process !== undefined ? running.find((member) => member.name === target.process) : running.find((member) => member.role === target.role);
    if (!chosen) {
      const which = target.process ?? `no ${target.role!} process`;
      return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: `${which} is not running right now` });
    }
    try {
      const started = await startNoisyNeighbour({ name: chosen.name, pid: chosen.pid! }, target.seconds, cpuAffinity());
      noisy = started;
      void started.ended.then(() => (noisy = undefined));
      return started.started;
    } catch (error) {
      if (!(error instanceof LabError)) throw error;
      return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: error.message });
    }
  });
};

/** A noisy neighbour's target and length, or what is wrong with the body. */
function noisyTarget(body: unknown): { role?: string; process?: string; seconds: number } | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object: {"role": "app", "seconds": 60}';
  const { seconds, ...rest } = body as Record<string, unknown>;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_NOISY_SECONDS) return `seconds must be a whole number from 1 to ${MAX_NOISY_SECONDS}`;
  const target = killTarget(rest);
  if (typeof target === 'string') return target.replace('a kill takes', 'a noisy neighbour takes "seconds",');
  if (target.role === undefined && target.process === undefined) return 'name the process\'s role ("role": "app") or the process ("process": "app-2")';
  return { ...target, seconds };
}

/** The process a kill names ({"role"?, "process"?}, both short strings), or what is wrong with the body. */
function killTarget(body: unknown): { role?: string; process?: string } | string {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object: {"role": "worker"}, {"process": "worker-2"} or {}';
  const target: { role?: string; process?: string } = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'role' && key !== 'process') return `unknown field "${key}"; a kill takes "role" and "process"`;
    if (typeof value !== 'string' || value.length === 0 || value.length > 80) return `${key} must be a name such as "worker" or "worker-2"`;
    target[key] = value;
  }
  return target;
}
