/**
 * Drill controls on the lab server. POST /api/chaos/db {"seconds": N} takes the database away
 * for N seconds and answers once it is back; POST /api/chaos/app kills the app process with
 * SIGKILL and answers with its pid. The supervisor owns both processes, so the drills act
 * here, inside it; `npm run chaos -- db|app` calls these routes and watches from outside.
 */
import { APP_ENTRY } from '../config.js';
import { readRunningLab, writeLabState } from '../lab-state.js';
import { learnerPath } from '../scenario/current.js';
import type { LabRoutes } from '../lab-context.js';
import { takeDatabaseAway } from './database-outage.js';

export const MAX_OUTAGE_SECONDS = 60;

/** What POST /api/chaos/app answers: the killed process and when (epoch ms). */
export interface AppKill {
  killedPid: number;
  killedAt: number;
}

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
        const state = readRunningLab();
        if (state && timing.postgresPid !== undefined) writeLabState({ ...state, postgresPid: timing.postgresPid });
        return timing;
      } finally {
        busy = false;
      }
    },
  );

  server.post('/api/chaos/app', async (_request, reply) => {
    const killedPid = context.app.crash();
    if (killedPid === undefined) {
      return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: `the app is not running right now (it may have crashed already); save ${learnerPath(APP_ENTRY)} or restart \`npm start\`` });
    }
    const kill: AppKill = { killedPid, killedAt: Date.now() };
    return kill;
  });
};
