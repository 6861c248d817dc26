import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alarm, ApiError } from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { RaiseError, type FieldProblem } from './raise.js';

/** The agent as the local API sees it. */
export interface LocalApi {
  raise(request: unknown): Promise<Alarm>;
  status(): unknown;
}

export interface LocalHttpServer {
  /** `http://127.0.0.1:PORT`, with the port actually bound. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
  ) {
    super(message);
  }
}

/**
 * The branch's local API, for branch-side tools (panic-button bridges, the
 * demo's `npm run alarm`). Loopback only: it has no authentication.
 *
 * - `POST /alarms` `{type?, inputId?, zone?, text?, source?, priority?}` → 201 with the
 *   alarm, once it is durable in the outbox; 400 with `error.fields` when invalid.
 * - `GET /status` → `{nodeId, connected, outboxPending, …}`.
 */
export async function startLocalHttp(options: {
  host: string;
  port: number;
  api: LocalApi;
  logger: Logger;
}): Promise<LocalHttpServer> {
  const { api, logger } = options;
  const server = createServer((req, res) => {
    handle(api, req, res).catch((error: unknown) => {
      if (error instanceof HttpProblem) {
        sendError(res, error);
        return;
      }
      logger.error({ err: error, method: req.method, url: req.url }, 'http: request failed');
      sendError(res, new HttpProblem(500, 'internal', (error as Error).message ?? 'internal error'));
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(api: LocalApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/alarms') {
    allow(req, 'POST');
    const body = await readJson(req);
    try {
      const alarm = await api.raise(body);
      send(res, 201, alarm);
    } catch (error) {
      if (error instanceof RaiseError) {
        throw new HttpProblem(400, 'invalid_request', 'the alarm request is invalid', error.fields);
      }
      throw new HttpProblem(503, 'not_stored', `alarm not stored: ${(error as Error).message}`);
    }
    return;
  }
  if (path === '/status') {
    allow(req, 'GET');
    send(res, 200, api.status());
    return;
  }
  throw new HttpProblem(404, 'not_found', `no route ${path}; try POST /alarms or GET /status`);
}

function allow(req: IncomingMessage, method: string): void {
  if (req.method !== method) {
    throw new HttpProblem(405, 'method_not_allowed', `use ${method}`);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpProblem(413, 'too_large', `body over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new HttpProblem(400, 'invalid_json', `body is not JSON: ${(error as Error).message}`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, problem: HttpProblem): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body: ApiError = { error: { code: problem.code, message: problem.message } };
  if (problem.fields) {
    body.error.fields = problem.fields;
  }
  if (problem.status === 405) {
    res.setHeader('allow', problem.message.replace('use ', ''));
  }
  send(res, problem.status, body);
}
