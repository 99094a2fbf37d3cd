/** The one line `--balancer nginx` prints where nginx is not installed: `npm start` and the balancer's sidecar both say it. */
export const NGINX_MISSING =
  'nginx is not on PATH; install it (Debian/Ubuntu: sudo apt-get install nginx; macOS: brew install nginx) or start without --balancer nginx';
