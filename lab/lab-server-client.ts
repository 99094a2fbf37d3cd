/**
 * The other commands' way to ask the running supervisor to act (a drill, a scale): a request
 * to its lab server on loopback, whose 4xx answer becomes one line.
 */
import { LabError, type LabErrorCode } from './errors.js';

export interface LabServerRequest {
  method?: 'GET' | 'POST';
  body?: object;
  timeoutMs: number;
  /** The code of the LabError raised when it fails, and how its line starts ("The drill did not run"). */
  failure: { code: LabErrorCode; prefix: string };
}

export async function askLabServer<T>(labPort: number, route: string, request: LabServerRequest): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${labPort}${route}`, {
      method: request.method ?? 'POST',
      ...(request.body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    throw new LabError(request.failure.code, `The lab server on :${labPort} did not answer (${(error as Error).message}). Is \`npm start\` still running?`);
  }
  const answer = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new LabError(request.failure.code, `${request.failure.prefix}: ${answer.message ?? response.statusText}.`);
  return answer;
}
