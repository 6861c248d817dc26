import { describeZodError } from '@bsm/protocol';
import { ApiRequestError, errorFromResponseBody } from './api-request-error';

/** What the client needs of a protocol (zod) schema; stated here so the console does not depend on zod itself. */
export interface ResponseSchema<T> {
  safeParse(
    data: unknown,
  ): { success: true; data: T } | { success: false; error: Parameters<typeof describeZodError>[0] };
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PATCH';
  body?: unknown;
  /** The protocol schema of the 2xx body; omitted for answers without a body (204). */
  schema?: ResponseSchema<T>;
  signal?: AbortSignal;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * One JSON request to the center (same origin, session cookie). Resolves with
 * the body checked against `schema`; rejects with ApiRequestError otherwise.
 * An abort (signal) rejects with the abort's own DOMException, untouched.
 */
export async function requestJson<T>(fetchFn: FetchLike, path: string, options: RequestOptions<T> = {}): Promise<T> {
  const init: RequestInit = {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers:
      options.body === undefined
        ? { Accept: 'application/json' }
        : { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  };
  let response: Response;
  try {
    response = await fetchFn(path, init);
  } catch (error) {
    if (options.signal?.aborted === true) {
      throw error;
    }
    throw new ApiRequestError(0, 'network_error', error instanceof Error ? error.message : String(error));
  }
  const body = await readJson(response);
  if (!response.ok) {
    throw errorFromResponseBody(response.status, response.statusText, body);
  }
  if (options.schema === undefined) {
    return undefined as T;
  }
  const parsed = options.schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiRequestError(response.status, 'invalid_response', `${path}: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}
