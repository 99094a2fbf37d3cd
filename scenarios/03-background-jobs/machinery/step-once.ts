/**
 * Step "once": with several workers, each job's welcome email reaches the provider exactly
 * once. The check queues a burst of jobs, lets the workers the lab runs take them (three at
 * least), and asks the mail stand-in how many emails each job's user received.
 */
import type { ScenarioStep, StepVerdict } from '../../../lab/sdk.js';
import { failed, passed } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';
import type { JobOutcome, MailOutcome } from './queue-probe.js';
import { backlogVerdict, mailOutcome, mailUrlOf, plural, settle, waitForEmptyQueue, withOwnJobs, withWorkers, workerCount } from './queue-probe.js';

export const ONCE_JOBS = 60;
/** The fewest workers the burst runs with: two can already race, three make it plain. */
export const ONCE_WORKERS = 3;
const ONCE_TIMEOUT_MS = 60_000;

export interface OnceObservation {
  jobs: number;
  workers: number;
  outcome: JobOutcome;
  mail: MailOutcome;
}

export const onceStep: ScenarioStep = {
  id: 'once',
  title: 'Each welcome email is sent once, however many workers run',
  required: true,
  hints: HINTS.once,
  needs: ['database', 'fleet'],
  async check({ admin, fleet, sendLoad }) {
    const workers = Math.max(ONCE_WORKERS, await workerCount(fleet!));
    const mailUrl = await mailUrlOf(fleet!);
    const observation = await sendLoad('each email once', `The check queues ${ONCE_JOBS} jobs for ${workers} workers and counts the emails the provider receives for each`, () =>
      withWorkers(fleet!, workers, async (): Promise<OnceObservation | { backlog: number }> => {
        const backlog = await waitForEmptyQueue(admin);
        if (backlog > 0) return { backlog };
        return withOwnJobs(admin, ONCE_JOBS, async (jobs, queuedAt) => {
          const outcome = await settle(admin, jobs, queuedAt, () => queuedAt + ONCE_TIMEOUT_MS);
          return { jobs: ONCE_JOBS, workers, outcome, mail: await mailOutcome(mailUrl, jobs) };
        });
      }));
    if ('backlog' in observation) return backlogVerdict(observation.backlog);
    return judgeOnce(observation);
  },
};

export function judgeOnce({ jobs, workers, outcome, mail }: OnceObservation): StepVerdict {
  const setting = `${jobs} jobs with ${workers} workers`;
  if (mail.duplicated > 0) {
    return failed(
      `${setting}: the provider sent ${plural(mail.once + mail.duplicated + mail.extraEmails, 'email')} for them; ${plural(mail.duplicated, 'user')} got the same welcome email more than once (${plural(mail.extraEmails, 'extra email')})`,
      'two workers took the same job: between reading a queued job and marking it, another worker read it too. Taking a job must be one step that only one worker can win (the hints show how)',
    );
  }
  const left = outcome.queued + outcome.running;
  if (left > 0) {
    return failed(
      `${setting}: after ${Math.round(outcome.seconds)} s, ${plural(outcome.queued, 'job')} still queued and ${outcome.running} running (${outcome.done} done)`,
      `the workers did not get through ${jobs} jobs in a minute: the \`npm start\` terminal shows what the workers print (worker-1 │ …)`,
    );
  }
  if (mail.missing > 0 || outcome.failed > 0 || outcome.gone > 0) {
    const lost = [
      mail.missing > 0 ? `${plural(mail.missing, 'email')} never reached the provider` : '',
      outcome.failed > 0 ? `${plural(outcome.failed, 'job')} marked failed` : '',
      outcome.gone > 0 ? `${plural(outcome.gone, 'job')} gone from the table` : '',
    ].filter(Boolean).join(', ');
    return failed(`${setting}: ${lost}`, 'every job must end done with its email sent: look at the `npm start` terminal for the workers\' errors');
  }
  const observed = `${setting}: ${plural(jobs, 'email')}, one per user, all sent within ${outcome.seconds.toFixed(1)} s`;
  if (mail.replays === 0) return passed(observed);
  return passed(
    `${observed} (the provider also recognised ${plural(mail.replays, 'repeated request')} by their Idempotency-Key and sent nothing for them)`,
    'two workers still took the same job at times: the key kept the email single, but each of them did the work. A claim only one worker can win saves that work',
  );
}
