/**
 * nginx's access log as the lab writes it for itself: one JSON object a request
 * (log_format … escape=json), read back into the attempts nginx made. When nginx tries more
 * than one upstream for a request, its $upstream_* variables list one value per attempt,
 * separated by ", " (and by " : " across an internal redirect); an upstream it could not
 * connect to, or that sent no header in time, has "-" as its header time, and one it could not
 * connect to has "-" as its connect time too.
 */

/** The log_format the generated nginx.conf declares (nginx fills in each $variable). */
export const ACCESS_LOG_FORMAT =
  '{"status":$status,"request_time":$request_time,"request_method":"$request_method","upstream_addr":"$upstream_addr",' +
  '"upstream_status":"$upstream_status","upstream_header_time":"$upstream_header_time",' +
  '"upstream_connect_time":"$upstream_connect_time"}';

/** One attempt on one upstream. */
export interface Attempt {
  /** "127.0.0.1:4101", or the upstream block's name when nginx found no live server in it. */
  address: string;
  /** The status it answered; 502 or 504 where nginx made it up after an error or a timeout. */
  status: number | undefined;
  /** True when no header came back: the connection failed or timed out (nginx's "error" or "timeout"). */
  noHeader: boolean;
  /** False when nginx could not connect ("-" as its connect time): the upstream never saw the request. */
  connected: boolean;
}

/** One request as nginx answered it. */
export interface LoggedRequest {
  /** The status the client got. */
  status: number;
  /** From the first byte read from the client to the last byte sent, in seconds. */
  seconds: number;
  /** "POST"; absent from a line written without it. */
  method?: string;
  /** In order; empty when nginx answered without an upstream. */
  attempts: Attempt[];
}

/** The request a log line holds, or undefined for a line that is not one (a partial line, another format). */
export function parseAccessLine(line: string): LoggedRequest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.status !== 'number' || typeof fields.request_time !== 'number') return undefined;
  const addresses = values(fields.upstream_addr);
  const statuses = values(fields.upstream_status);
  const headerTimes = values(fields.upstream_header_time);
  const connectTimes = values(fields.upstream_connect_time);
  const attempts = addresses.map((address, index) => {
    const status = Number(statuses[index]);
    return {
      address,
      status: Number.isInteger(status) ? status : undefined,
      noHeader: (headerTimes[index] ?? '-') === '-',
      // A log written before the connect time was logged: count the attempt as connected.
      connected: (connectTimes[index] ?? '') !== '-',
    };
  });
  return { status: fields.status, seconds: fields.request_time, ...(typeof fields.request_method === 'string' && fields.request_method !== '' ? { method: fields.request_method } : {}), attempts };
}

/** "a, b : c" → ["a", "b", "c"]; "" and "-" alone → []. */
function values(field: unknown): string[] {
  if (typeof field !== 'string' || field === '' || field === '-') return [];
  return field.split(/\s*,\s*|\s+:\s+/).filter((value) => value !== '');
}
