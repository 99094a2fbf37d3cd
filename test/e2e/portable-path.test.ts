/**
 * Every learner command the way macOS and Windows run them: the lab and the commands get
 * LAB_OS=portable, the one seam that takes /proc away (ps instead of /proc, pg_ctl instead of
 * signals to PostgreSQL). One lab, each command once: start, the drills, the check, a killed
 * supervisor and the next start, Ctrl-C.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatabaseDrillRecord } from '../../lab/chaos/drill-record.js';
import { isProcessAlive } from '../../lab/os/processes.js';
import { isListening } from '../../lab/net/ports.js';
import { runCli } from '../helpers/cli.js';
import { useLabSandbox } from '../helpers/lab-sandbox.js';
import { waitUntil } from '../helpers/wait.js';

const PORTABLE = { LAB_OS: 'portable' };

describe('the learner commands on the portable path (LAB_OS=portable)', () => {
  const context = useLabSandbox();
  const command = (entry: string, args: string[]) => runCli(entry, args, context.sandbox.env(PORTABLE) as Record<string, string>);
  const feedAnswers = async () => (await fetch(`http://127.0.0.1:${context.sandbox.ports.appPort}/feed`)).status === 200;

  it('npm start refuses a LAB_OS it does not know, in one line, before starting anything', async () => {
    const attempt = context.sandbox.start([], { LAB_OS: 'macos' });
    expect(await attempt.exited).toBe(1);
    expect(attempt.output().trim()).toBe('✘ LAB_OS=macos is not known; set LAB_OS=portable (what macOS and Windows use) or leave it unset.');
  });

  it('npm start -- --restart-on-crash starts cold and serves', async () => {
    context.lab = context.sandbox.start(['--restart-on-crash'], PORTABLE);
    await context.lab.ready;
    expect(context.lab.output()).toMatch(/--restart-on-crash: if the app process dies, the lab starts it again/);
    expect(await feedAnswers()).toBe(true);
    expect(isProcessAlive(context.sandbox.state().appPid!)).toBe(true);
  });

  it('npm run chaos -- db stops PostgreSQL through pg_ctl and follows the app by the pid in lab.json', async () => {
    const { postgresPid: postgresBefore, appPid: appBefore } = context.sandbox.state();
    const result = await command('lab/cli.ts', ['chaos', 'db', '--seconds', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(isProcessAlive(postgresBefore!)).toBe(false);
    expect(context.sandbox.state().postgresPid).not.toBe(postgresBefore);
    const drill = (JSON.parse(fs.readFileSync(path.join(context.sandbox.stateDir, 'drills.json'), 'utf8')) as { database: DatabaseDrillRecord }).database;
    expect(drill.appPid).toBe(appBefore);
    // The shipped server opens a client per request with no "error" listener: a query caught by
    // the shutdown usually ends the process. Either way the report must match what happened.
    if (drill.appCrashed) {
      expect(result.stdout).toContain(`the app process (pid ${appBefore}) is gone`);
      expect(isProcessAlive(appBefore!)).toBe(false);
      expect(await waitUntil(async () => context.sandbox.state().appPid !== undefined && (await feedAnswers()), 20_000)).toBe(true);
    } else {
      expect(result.stdout).toMatch(/✔ served again \d+\.\d s after the database returned, by the same app process/);
      expect(context.sandbox.state().appPid).toBe(appBefore);
    }
  });

  it('npm run check judges the database drill by the app running now', async () => {
    const drill = (JSON.parse(fs.readFileSync(path.join(context.sandbox.stateDir, 'drills.json'), 'utf8')) as { database: DatabaseDrillRecord }).database;
    const result = await command('lab/cli.ts', ['check', '--json']);
    const report = JSON.parse(result.stdout) as { steps: Array<{ id: string; status: string }> };
    expect(report.steps.find((step) => step.id === 'bonus-db-restart')?.status).toBe(drill.appCrashed ? 'failed' : 'passed');
  }, 120_000);

  it('npm run chaos -- app kills the app; --restart-on-crash brings it back, and lab.json names the new one', async () => {
    const appBefore = context.sandbox.state().appPid!;
    const result = await command('lab/cli.ts', ['chaos', 'app', '--seconds', '10']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Killed the app process (pid ${appBefore})`);
    expect(result.stdout).toMatch(/✔ back: something restarted it/);
    expect(isProcessAlive(appBefore)).toBe(false);
    const appAfter = context.sandbox.state().appPid!;
    expect(appAfter).not.toBe(appBefore);
    expect(isProcessAlive(appAfter)).toBe(true);
  });

  it('after the supervisor is killed, the next npm start stops the app it left behind, and only that', async () => {
    const orphans = context.sandbox.state();
    context.lab!.child.kill('SIGKILL');
    await context.lab!.exited;
    expect(isProcessAlive(orphans.appPid!)).toBe(true);
    expect(isProcessAlive(orphans.postgresPid!)).toBe(true);

    context.lab = context.sandbox.start([], PORTABLE);
    await context.lab.ready;
    expect(context.lab.output()).toContain(`stopping the app left running by an earlier lab (pid ${orphans.appPid})`);
    expect(isProcessAlive(orphans.appPid!)).toBe(false);
    expect(isProcessAlive(orphans.postgresPid!)).toBe(false);
    expect(await feedAnswers()).toBe(true);
  });

  it('without --restart-on-crash, npm run chaos -- app leaves the app down and says so', async () => {
    const result = await command('lab/cli.ts', ['chaos', 'app', '--seconds', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/still down after 2 s: nothing restarts it/);
    expect(context.lab!.output()).toMatch(/The app process died \(signal SIGKILL\), and nothing restarts it/);
    expect(context.sandbox.state().appPid).toBeUndefined();
  });

  it('Ctrl-C stops everything it started', async () => {
    const state = context.sandbox.state();
    context.lab!.child.kill('SIGINT');
    expect(await context.lab!.exited).toBe(0);
    expect(await isListening(context.sandbox.ports.dbPort)).toBe(false);
    expect(isProcessAlive(state.postgresPid!)).toBe(false);
  });
});
