/**
 * Scenario 3's steps. The scenario is in progress: its checks (the queue's semantics under real
 * concurrency, the connection budget, crash recovery, the goal at a rate) come next, and until
 * then `npm run check` says so in one line instead of passing anything.
 */
import type { ScenarioStep } from '../../../lab/sdk.js';
import { skipped } from '../../../lab/sdk.js';

const steps: readonly ScenarioStep[] = [
  {
    id: 'in-progress',
    title: 'Scenario 3 is in progress: its checks come next',
    required: false,
    hints: [
      'Start with README.md: it says what the lab runs and what is already broken.',
      'Scale the workers (npm run scale -- worker 6) and watch the connections panel.',
      'solution/ has every fix, with comments that say why.',
    ],
    needs: [],
    check: () => skipped('no step of this scenario is checked yet', 'see README.md in its folder for what the lab shows today'),
  },
];

export default steps;
