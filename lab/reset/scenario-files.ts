/**
 * The learner's files that reset and solve swap, from the scenario's definition: the app and
 * every file the solution changes, each where the lab reads it (the learner folder, which a
 * test points at a copy), as shipped, and fixed.
 */
import path from 'node:path';
import { LabError } from '../errors.js';
import { learnerFile, scenarioFile, type Lab } from '../lab.js';

export interface SwappedFile {
  /** As the learner names it: "src/worker.ts". */
  name: string;
  /** Where the lab reads it (in the learner folder). */
  file: string;
  /** The file as shipped (its copy in machinery/pristine/); CI keeps the two byte-identical. */
  pristine: string;
  /** Its fixed version, when the solution changes it. */
  solution?: string;
  /** Reset keeps the learner's last version here, in case they wanted it after all. */
  backup: string;
}

export interface ScenarioFiles {
  /** files.app first, then every other file the solution changes. */
  swapped: SwappedFile[];
  solutionSql: string;
}

/** The lab's files, from its scenario's definition and its paths. */
export function scenarioFiles(lab: Lab): ScenarioFiles {
  const { files } = lab.scenario;
  const solutions = files.solutionFiles ?? {};
  const names = [...new Set([files.app, ...Object.keys(solutions)])];
  return {
    swapped: names.map((name) => {
      const copy = files.pristine[name];
      if (copy === undefined) throw new LabError('SCENARIO_DEFINITION', `Scenario ${lab.scenario.number}'s ${name} has no copy as shipped in files.pristine, so reset could not restore it.`);
      const solution = solutions[name];
      return {
        name,
        file: learnerFile(lab, name),
        pristine: scenarioFile(lab, copy),
        ...(solution !== undefined ? { solution: scenarioFile(lab, solution) } : {}),
        backup: path.join(lab.paths.state, `${path.basename(name)}.before-reset`),
      };
    }),
    solutionSql: scenarioFile(lab, files.solutionSql),
  };
}
