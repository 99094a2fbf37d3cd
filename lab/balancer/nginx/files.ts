/** Where the nginx balancer keeps its files: all under one folder of the lab's state (.lab/nginx/), nothing of the system's. */
import path from 'node:path';

/** Where nginx keeps its files, all under one folder of the lab's state (.lab/nginx/). */
export interface NginxFiles {
  /** The folder itself: nginx's prefix (-p). */
  dir: string;
  /** The configuration nginx runs, and the next one while nginx -t reads it. */
  conf: string;
  next: string;
  pid: string;
  errorLog: string;
  accessLog: string;
  /** Request bodies and proxied answers too large for memory. */
  temp: string;
}

/** nginx's files in the lab's folder. */
export function nginxFiles(dir: string): NginxFiles {
  return {
    dir,
    conf: path.join(dir, 'nginx.conf'),
    next: path.join(dir, 'nginx.conf.next'),
    pid: path.join(dir, 'nginx.pid'),
    errorLog: path.join(dir, 'error.log'),
    accessLog: path.join(dir, 'access.log'),
    temp: path.join(dir, 'temp'),
  };
}
