/**
 * A line for `npm run check` when the learner's balancer settings (balancer.conf) are refused:
 * the balancer then keeps the settings it read before, and says so only in the `npm start`
 * terminal, so a check would judge settings the learner no longer has in the file.
 */
import fs from 'node:fs';
import { parseBalancerConfig } from '../balancer/config.js';
import { LabError } from '../errors.js';

/** The note, or undefined when the file reads well (or is not there: the balancer says that itself). */
export function refusedBalancerSettings(file: string, name: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    parseBalancerConfig(text, name);
    return undefined;
  } catch (error) {
    if (!(error instanceof LabError)) throw error;
    return `✘ The balancer refused ${name}, and runs the settings it read before it: ${error.message}. The steps below judge those.`;
  }
}
