/**
 * The nginx master process the sidecar runs as its child: started in the foreground, told to
 * reload or quit by its pid, and never left behind. A master an earlier sidecar left running
 * (that sidecar was killed outright) is found by the pid file in the lab's nginx folder and
 * stopped before a new one starts; if this process exits without stopping it, it is stopped
 * on the way out.
 */
import readline from 'node:readline';
import { LabError } from '../../errors.js';
import { isListening } from '../../net/ports.js';
import { quitNginx, readNginxPid, reloadNginx, startNginx, stopNginxNow, type NginxCommand } from '../../os/nginx.js';
import { isProcessAlive, stopProcess } from '../../os/processes.js';
import { processFacts } from '../../os/system.js';
import { delay, settlesWithin } from '../../timing.js';

/** How long nginx may take to listen before the start counts as failed. */
const LISTEN_TIMEOUT_MS = 10_000;

export interface NginxMaster {
  pid: number;
  /** Resolves with how it ended, whenever it does. */
  exited: Promise<string>;
  reload(): void;
  /** Graceful quit; after `graceMs` a fast stop. Resolves once the master has exited. */
  quit(graceMs: number): Promise<void>;
}

/**
 * Starts nginx and resolves once it listens on host:port; a LabError (BALANCER_PROGRAM) with
 * nginx's own line when it exits first. `onLine` gets what nginx prints.
 */
export async function runNginxMaster(command: NginxCommand, pidFile: string, host: string, port: number, onLine: (line: string) => void): Promise<NginxMaster> {
  await stopLeftoverMaster(pidFile, command.prefix, onLine);
  const child = startNginx(command);
  const printed: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream }).on('line', (line) => (printed.push(line), onLine(line)));
  }
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(error.message));
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`));
  });
  let gone = false;
  void exited.then(() => (gone = true));
  const pid = child.pid;
  // A sidecar that ends any way it can still run code (an error, process.exit) takes nginx with it.
  const onExit = () => pid !== undefined && !gone && stopNginxNow(pid);
  process.once('exit', onExit);
  void exited.then(() => process.removeListener('exit', onExit));

  const deadline = Date.now() + LISTEN_TIMEOUT_MS;
  while (!gone && pid !== undefined && !(await isListening(port, host, 200)) && Date.now() < deadline) await delay(50);
  if (gone || pid === undefined || Date.now() >= deadline) {
    if (pid !== undefined && !gone) stopNginxNow(pid);
    const how = await Promise.race([exited, delay(2_000).then(() => 'still running')]);
    const said = printed.find((line) => /\[(emerg|alert|crit)\]/.test(line)) ?? printed.at(-1);
    throw new LabError('BALANCER_PROGRAM', `nginx did not start listening on ${host}:${port} (${how})${said ? `: ${said}` : ''}`);
  }

  return {
    pid,
    exited,
    reload: () => reloadNginx(command, pid),
    async quit(graceMs) {
      if (gone) return;
      quitNginx(command, pid);
      if (!(await settlesWithin(exited, graceMs))) {
        stopNginxNow(pid);
        await exited;
      }
    },
  };
}

/**
 * Stops the master a killed sidecar left running, once its command line shows it runs from
 * this nginx folder (`prefix`), never a program that merely got the same pid later. The sidecar
 * does it before it starts nginx; `npm start` before it checks that the app's port is free.
 */
export async function stopLeftoverMaster(pidFile: string, prefix: string, log: (line: string) => void): Promise<void> {
  const pid = readNginxPid(pidFile);
  if (pid === undefined || !isProcessAlive(pid)) return;
  if (!processFacts().commandLine(pid)?.includes(prefix)) return;
  log(`stopping the nginx a killed balancer left running (pid ${pid})`);
  await stopProcess(pid);
}
