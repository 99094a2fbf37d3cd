/**
 * Running the nginx program: finding it, testing a configuration (`nginx -t`), starting the
 * master in the foreground, and telling it to reload or to quit. nginx is told by signals on
 * Linux and macOS (HUP: read the configuration again, start new workers and let the old ones
 * finish; QUIT: stop accepting, finish the requests in flight, exit), and by `nginx -s` on
 * Windows, which has no signals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { findProgram, isRunnableFile, type ProgramLookup } from './programs.js';
import { isWindows } from './system.js';

/** Where package managers put nginx when the PATH leaves it out (Debian's /usr/sbin is not on every user's PATH). */
const USUAL_PLACES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx', '/opt/homebrew/bin/nginx'];

/** The nginx program's path: on the PATH, else where a package manager puts it; undefined when it is not installed. */
export function findNginx(lookup: ProgramLookup = {}): string | undefined {
  const runnable = lookup.isRunnable ?? isRunnableFile;
  return findProgram('nginx', lookup) ?? (isWindows(lookup.platform) ? undefined : USUAL_PLACES.find((file) => runnable(file)));
}

/** How nginx is run: the program, its prefix folder (-p), its configuration file (-c) and its first error log (-e). */
export interface NginxCommand {
  program: string;
  prefix: string;
  conf: string;
  errorLog: string;
}

/** nginx's flags for one configuration; -e keeps nginx off the system's error log (/var/log/nginx) before it reads ours. */
function flags(command: NginxCommand, conf = command.conf): string[] {
  return ['-p', command.prefix, '-c', conf, '-e', command.errorLog];
}

/** `nginx -t` on `conf`: undefined when nginx accepts it, else the first line nginx gave as its reason. */
export function testNginxConfig(command: NginxCommand, conf: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(command.program, ['-t', '-q', ...flags(command, conf)], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => resolve(error.message));
    child.once('close', (code) => {
      if (code === 0) return resolve(undefined);
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      resolve(lines.find((line) => /\[(emerg|alert|crit|error)\]/.test(line)) ?? lines[0] ?? `nginx -t exited with code ${code}`);
    });
  });
}

/** Starts the nginx master in the foreground (the configuration says `daemon off`), as this process's child. */
export function startNginx(command: NginxCommand): ChildProcess {
  return spawn(command.program, flags(command), { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
}

/** Tells the master to read its configuration again: new workers take new requests, old ones finish theirs. */
export function reloadNginx(command: NginxCommand, masterPid: number): void {
  if (isWindows()) spawn(command.program, ['-s', 'reload', ...flags(command)], { stdio: 'ignore', windowsHide: true });
  else process.kill(masterPid, 'SIGHUP');
}

/** Tells the master to stop gracefully: no new connections, the requests in flight answered, then exit. */
export function quitNginx(command: NginxCommand, masterPid: number): void {
  if (isWindows()) spawn(command.program, ['-s', 'quit', ...flags(command)], { stdio: 'ignore', windowsHide: true });
  else process.kill(masterPid, 'SIGQUIT');
}

/** Stops the master at once (nginx's fast shutdown): for when this process is exiting and cannot wait. */
export function stopNginxNow(masterPid: number): void {
  try {
    process.kill(masterPid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

/** The master pid nginx wrote in its pid file, or undefined when there is none. */
export function readNginxPid(pidFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** "nginx/1.22.1", as `nginx -v` names itself; "nginx" when it says nothing recognisable. */
export function nginxVersion(program: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(program, ['-v'], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', () => resolve('nginx'));
    child.once('close', () => resolve(/nginx\/[\w.]+/.exec(output)?.[0] ?? 'nginx'));
  });
}
