import { request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

/** What a center answered, read once: status, headers, raw text and the JSON body when it is JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  body: (Record<string, unknown> & { error?: { code?: string; message?: string; fields?: ApiField[] } }) | undefined;
}

export interface ApiField {
  path: string;
  message: string;
}

const parse = (text: string): Answer['body'] => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Answer['body']) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * One call of a center's REST API as a console (or an attacker with curl)
 * makes it: a JSON body unless `body` is already a string, the session
 * cookie when given. `path` is sent as written (fetch still resolves `..`;
 * use `rawRequest` for that).
 */
export async function callApi(
  baseUrl: string,
  opts: { method?: string; path: string; cookie?: string | null; body?: unknown; headers?: Record<string, string> },
): Promise<Answer> {
  const res = await fetch(`${baseUrl}${opts.path}`, {
    method: opts.method ?? 'GET',
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: parse(text) };
}

/** The status and error code of an answer, for one exact assertion of a refusal. */
export const refusal = (answer: Answer): { status: number; code: string | undefined } => ({
  status: answer.status,
  code: answer.body?.error?.code,
});

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * An HTTP request whose path goes on the wire byte for byte: no `..`
 * resolution and no re-encoding, as a hand-made request would send it.
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // One connection per request, closed after it: nothing carries over from one attempt to the next.
    const req = request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const answer = {
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        };
        // Resolved once the connection is closed too, so the server has finished with it.
        const socket = res.socket as Socket | null;
        if (!socket || socket.destroyed) {
          resolve(answer);
        } else {
          socket.once('close', () => resolve(answer));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setHeader('connection', 'close');
    req.end();
  });
}
