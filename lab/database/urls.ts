/** Connection strings for the embedded server, built in one place. */
import { PG_SUPERUSER, PG_SUPERUSER_PASSWORD } from '../config.js';
import type { AppDatabase } from '../scenario/definition.js';

export function embeddedUrl(port: number, user: string, password: string, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** The superuser, connected to the server's maintenance database (for CREATE ROLE/DATABASE). */
export function embeddedMaintenanceUrl(port: number): string {
  return embeddedUrl(port, PG_SUPERUSER, PG_SUPERUSER_PASSWORD, 'postgres');
}

/** The superuser, connected to the scenario's database (statistics, drills, checks). */
export function embeddedAdminUrl(port: number, app: AppDatabase): string {
  return embeddedUrl(port, PG_SUPERUSER, PG_SUPERUSER_PASSWORD, app.name);
}

/** The app's own role on the scenario's database. */
export function embeddedAppUrl(port: number, app: AppDatabase): string {
  return embeddedUrl(port, app.role, app.password, app.name);
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
