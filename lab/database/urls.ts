/** Connection strings for the embedded server, built in one place. */
import {
  APP_DATABASE,
  APP_ROLE,
  APP_ROLE_PASSWORD,
  PG_SUPERUSER,
  PG_SUPERUSER_PASSWORD,
} from '../config.js';

export function embeddedUrl(port: number, user: string, password: string, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** The superuser, connected to the server's maintenance database (for CREATE ROLE/DATABASE). */
export function embeddedMaintenanceUrl(port: number): string {
  return embeddedUrl(port, PG_SUPERUSER, PG_SUPERUSER_PASSWORD, 'postgres');
}

/** The superuser, connected to the scenario's database (statistics, drills, checks). */
export function embeddedAdminUrl(port: number): string {
  return embeddedUrl(port, PG_SUPERUSER, PG_SUPERUSER_PASSWORD, APP_DATABASE);
}

/** The app's own role on the scenario's database. */
export function embeddedAppUrl(port: number): string {
  return embeddedUrl(port, APP_ROLE, APP_ROLE_PASSWORD, APP_DATABASE);
}

/** The URL with its password replaced, for printing. */
export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return url;
  }
}
