/** How `npm run check` shows its report: lines for a person, or JSON for a script. */
import type { CheckReport } from './run-checks.js';
import type { StepResult } from '../scenario/steps.js';

const MARK: Record<StepResult['status'], string> = { passed: '✔', failed: '✘', skipped: '–' };

export function renderReport(report: CheckReport): string {
  const lines: string[] = [];
  let firstFailureSeen = false;
  for (const step of report.steps) {
    lines.push(`${MARK[step.status]} ${step.title}${step.status === 'skipped' ? ' (skipped)' : ''}`);
    lines.push(`    saw: ${step.observed}`);
    // A passed step's advice is optional: a tip, not something to try before going on.
    if (step.next) lines.push(`    ${step.status === 'passed' ? 'tip' : 'try'}: ${step.next}`);
    if (step.status === 'failed' && step.required && !firstFailureSeen) {
      firstFailureSeen = true;
      lines.push('    This is the step you are on, so this ✘ is expected. `npm run hint` gives a hint.');
    }
    lines.push('');
  }
  const required = report.steps.filter((step) => step.required);
  const done = required.filter((step) => step.status === 'passed').length;
  const bonus = report.steps.length > required.length ? ' The bonus steps are yours to explore.' : '';
  if (required.length === 0) lines.push('No step of this scenario is required yet: nothing here passes or fails.');
  else lines.push(report.passed ? `All ${required.length} required steps pass.${bonus}` : `${done} of ${required.length} required steps pass.`);
  return lines.join('\n');
}

/** The same report for scripts: per step its id, whether it passed, and what was observed. */
export function reportAsJson(report: CheckReport): string {
  return JSON.stringify(
    {
      passed: report.passed,
      steps: report.steps.map((step) => ({
        id: step.id,
        title: step.title,
        required: step.required,
        passed: step.status === 'passed',
        status: step.status,
        observed: step.observed,
        next: step.next,
      })),
    },
    null,
    2,
  );
}
