import {
  API_ROUTES,
  downFilter,
  encode,
  newAlarmId,
  routeKey,
  UP_MESSAGES,
  upTopic,
  type Alarm,
  type AlarmAck,
} from '@bsm/protocol';
import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branchSecret } from '../support/center-fixture.js';
import { startCenterProcess, type CenterProcess } from '../support/center-process.js';
import { waitFor } from '../support/wait.js';

/**
 * Random and malformed input at a center for a bounded time: every REST
 * route of `API_ROUTES` (random path parameters, bodies, query strings and
 * headers, with a real session and without) and the MQTT ingest (random
 * topics under the branch's own `up/` tree, random bytes, random JSON,
 * broken variants of a valid alarm), while the same branch keeps sending
 * good alarms. The center runs in its own process, so a crash is seen as
 * one. Afterwards: it never crashed and answered its health check
 * throughout, no answer was a 500, every good alarm is stored exactly once
 * and acknowledged, and nothing else the fuzz sent became an alarm.
 *
 * FUZZ_SECONDS (default 24) sets the time; FUZZ_SEED replays a run (the
 * seed is printed at the start). The inputs are the seed's; how requests and
 * messages interleave is the machine's.
 */
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 24);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const BRANCH = 'b-f';
const OTHER = 'b-g';
/** Users whose sessions the fuzz uses; it never targets their accounts or signs them out. */
const SESSION_USERS = ['watcher', 'secadmin', 'viewer'] as const;
type SessionKind = (typeof SESSION_USERS)[number] | 'none' | 'garbage' | 'bearer';

interface Finding {
  what: string;
  input: unknown;
  status?: number;
  body?: string;
}

// ---- REST inputs -------------------------------------------------------------------------------------------

const ALARM_ID = newAlarmId();
/** A valid body of each route that takes one, mutated by the fuzz. */
const SAMPLE_BODIES: Record<string, Record<string, unknown>> = {
  'POST /api/auth/login': { username: 'fuzz-nobody', password: 'not-the-password' },
  'POST /api/auth/login/totp': { challenge: 'c'.repeat(40), code: '123456' },
  'POST /api/auth/login/enroll': { challenge: 'c'.repeat(40), code: '123456' },
  'POST /api/auth/logout': {},
  'POST /api/auth/sso-ticket': { center: 'fz' },
  'POST /api/auth/sso': { ticket: 't'.repeat(40) },
  'POST /api/alarms/:id/actions': { action: 'note', note: 'fuzz' },
  'POST /api/branches/:id/panic': { type: 'panic', confirm: true },
  'POST /api/branches/:id/zones/:zone/arm': { armed: true, code: '1234' },
  'POST /api/cameras/:id/play': { purpose: 'live', profile: 'sub' },
  'POST /api/cameras/:id/ptz': { kind: 'move', action: 'left', speed: 0.5 },
  'POST /api/users': {
    username: 'fuzz-made',
    displayName: 'fuzz',
    role: 'ordinary_user',
    jurisdiction: 'fz',
    password: 'Duty-Roster-7',
  },
  'PATCH /api/users/:username': { displayName: 'fuzz' },
  'POST /api/users/:username/password': { password: 'Duty-Roster-7' },
  'POST /api/users/:username/reset-totp': {},
  'POST /api/users/:username/unlock': {},
};

const printable = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/** A path parameter: a known id, random text (encoded), or something made to break parsers, as written. */
const paramArb = (known: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known) },
    { weight: 3, arbitrary: fc.string({ maxLength: 60 }).map((s) => encodeURIComponent(s)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((s) => encodeURIComponent(s)) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '%',
        '%E0%A4%A',
        '%zz',
        '..',
        '.',
        '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
        encodeURIComponent("' OR 1=1--"),
        encodeURIComponent('<script>alert(1)</script>'),
        'a'.repeat(5000),
        '%00',
        'fz',
        ALARM_ID.toLowerCase(),
      ),
    },
  );

/** Ids the fuzz may name in each kind of path parameter (never a fixture branch where the center would wait on it). */
const KNOWN: Record<string, string[]> = {
  id: ['fz', BRANCH, OTHER, 'b-none', ALARM_ID, `${BRANCH}.cam1`, `${OTHER}.cam1`, 'b-none.cam1'],
  branch: ['fz', 'b-none', 'center-nowhere'],
  username: ['nobody', 'fuzz-made', 'fuzz-nobody'],
  zone: ['01', '02', '..', 'z'.repeat(41)],
};

/** A query string of the fields of a (mutated) object; values that are not strings go as their JSON. */
const toQuery = (q: unknown): string =>
  typeof q === 'object' && q !== null
    ? `?${new URLSearchParams(
        Object.entries(q).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]),
      ).toString()}`
    : '';

const jsonText = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null');

/** A sample body, or one with a field dropped, replaced by anything, or an unknown field added. */
const nearly = (sample: Record<string, unknown>): fc.Arbitrary<unknown> => {
  const keys = Object.keys(sample);
  const variants: fc.Arbitrary<unknown>[] = [
    fc.constant(sample),
    fc.tuple(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => ({ ...sample, [k]: v })),
    fc.constantFrom('__proto__', 'constructor', 'permissions', 'role', 'jurisdiction').map((k) => ({
      ...sample,
      [k]: { permissions: ['users', 'audit'], isAdmin: true },
    })),
  ];
  if (keys.length > 0) {
    variants.push(
      fc.tuple(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => ({ ...sample, [k]: v })),
      fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(sample).filter(([key]) => key !== k))),
      fc
        .tuple(fc.constantFrom(...keys), fc.string({ unit: 'binary', maxLength: 2000 }))
        .map(([k, v]) => ({ ...sample, [k]: v })),
    );
  }
  return fc.oneof(...variants);
};

interface RestInput {
  method: string;
  path: string;
  rawParams: string[];
  route: string;
  query: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  session: SessionKind;
}

const bodyArb = (sample: Record<string, unknown> | undefined): fc.Arbitrary<string | Uint8Array | undefined> =>
  fc.oneof(
    { weight: 6, arbitrary: nearly(sample ?? {}).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: jsonText },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }) },
    { weight: 2, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        '{"a":',
        `{"a":"${'x'.repeat(300 * 1024)}"}`,
        `${'['.repeat(3000)}${']'.repeat(3000)}`,
        '{"__proto__":{"isAdmin":true}}',
        'null',
        '"just a string"',
      ),
    },
  );

/** Present one time in `1 / (rarity + 1)`. */
const sometimes = <T>(arb: fc.Arbitrary<T>, rarity = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: rarity, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const headersArb: fc.Arbitrary<Record<string, string>> = fc
  .record({
    'content-type': sometimes(
      fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/json') },
        {
          weight: 4,
          arbitrary: fc.constantFrom(
            'application/json; charset=utf-8',
            'application/json; charset=utf-16le',
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/vnd.bsm+json',
            '*/*',
          ),
        },
        { weight: 1, arbitrary: fc.constant('application/json; charset=latin1') },
      ),
      1,
    ),
    'content-encoding': sometimes(fc.constantFrom('identity', 'gzip', 'deflate', 'br', 'x-garbage'), 12),
    accept: sometimes(fc.oneof(fc.constantFrom('application/json', 'text/html', '*/*'), printable(40)), 2),
    'x-forwarded-for': sometimes(fc.oneof(fc.constantFrom('10.0.0.1', '127.0.0.1, 8.8.8.8'), printable(30)), 4),
    origin: sometimes(fc.oneof(fc.constantFrom('http://evil.example', 'null'), printable(30)), 4),
    'x-requested-with': sometimes(printable(20), 4),
  })
  .map((h) => Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined)));

const cookieNoiseArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: printable(200).map((s) => s.replace(/;/g, '')) },
  { weight: 1, arbitrary: fc.constant(`huge=${'h'.repeat(20_000)}`) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 300 }, (_, i) => `c${i}=${i}`).join('; ')) },
  { weight: 1, arbitrary: fc.constant('bsm_session_fz=%E0%A4%A; bsm_session_fz=x') },
);

const restArb: fc.Arbitrary<RestInput & { cookieNoise: string }> = fc
  .constantFrom(...API_ROUTES)
  .chain((route) => {
    const key = routeKey(route);
    const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '');
    const paramsArb = fc.tuple(
      ...names.map((n) =>
        paramArb((n === 'id' && route.path.startsWith('/api/branches') ? KNOWN.branch : KNOWN[n]) ?? ['x']),
      ),
    );
    return fc.record({
      route: fc.constant(key),
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(route.method as string) },
        { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
      ),
      params: names.length > 0 ? paramsArb : fc.constant([] as string[]),
      extraSegment: fc.oneof(
        { weight: 9, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: paramArb(['x']).map((s) => `/${s}`) },
      ),
      query: fc.oneof(
        { weight: 3, arbitrary: fc.constant('') },
        {
          weight: 4,
          arbitrary: nearly({ limit: '50', state: 'open', type: 'panic', nodeId: BRANCH, responsible: 'true' }).map(
            toQuery,
          ),
        },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            '?limit=1e309',
            '?limit=-1',
            '?limit=0x10',
            '?state=open&state=closed',
            '?limit[]=1',
            '?a=%',
            '?&&&=&',
            `?before=${encodeURIComponent("' OR 1=1--")}`,
            `?${'p=1&'.repeat(2000)}`,
          ),
        },
      ),
      headers: headersArb,
      body: bodyArb(SAMPLE_BODIES[key]),
      session: fc.constantFrom<SessionKind>('none', 'watcher', 'secadmin', 'viewer', 'garbage', 'bearer'),
      cookieNoise: cookieNoiseArb,
    });
  })
  .map((r) => {
    let i = 0;
    const path = r.route.split(' ')[1]!.replace(/:(\w+)/g, () => r.params[i++] ?? '');
    // Signing out would end the session the rest of the run uses.
    const session: SessionKind =
      r.route === 'POST /api/auth/logout' && !['none', 'garbage', 'bearer'].includes(r.session) ? 'garbage' : r.session;
    return {
      route: r.route,
      method: r.method,
      path: `${path}${r.extraSegment}`,
      // An extra segment can make another route's parameter (`/api/alarms` + `/x` is `/api/alarms/:id`).
      rawParams: [...r.params, ...(r.extraSegment ? [r.extraSegment.slice(1)] : [])],
      query: r.query,
      headers: r.headers,
      body: r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body,
      session,
      cookieNoise: r.cookieNoise,
    };
  });

// ---- MQTT inputs -------------------------------------------------------------------------------------------

const UP_KINDS = Object.keys(UP_MESSAGES);

const alarmOf = (over: Partial<Alarm> = {}): Alarm => ({
  id: newAlarmId(),
  origin: BRANCH,
  seq: 1,
  path: [BRANCH],
  type: 'intrusion',
  priority: 2,
  zone: '01',
  linkedCameras: [],
  occurredAt: new Date().toISOString(),
  source: 'panel',
  ...over,
});

/** Ways to break a valid alarm; each one makes it invalid (so none of them may be stored). */
const brokenAlarmArb: fc.Arbitrary<Buffer> = fc
  .oneof(
    fc
      .constantFrom('id', 'origin', 'seq', 'path', 'type', 'priority', 'occurredAt', 'source')
      .map((k) => Object.fromEntries(Object.entries(alarmOf()).filter(([key]) => key !== k))),
    fc
      .tuple(
        fc.constantFrom('id', 'origin', 'path', 'type', 'occurredAt', 'source', 'zone', 'text', 'signal', 'subject'),
        fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object()),
      )
      .map(([k, v]) => ({ ...alarmOf(), [k]: v })),
    fc
      .tuple(fc.constantFrom('seq', 'priority'), fc.oneof(fc.constantFrom(0, -1, 1.5, '1', null), fc.string()))
      .map(([k, v]) => ({ ...alarmOf(), [k]: v })),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }))
      .filter(([k]) => !(k in alarmOf()))
      .map(([k, v]) => ({ ...alarmOf(), [k]: v })),
    fc
      .constantFrom<Partial<Alarm>>(
        { path: [BRANCH, OTHER] },
        { path: [] },
        { origin: OTHER },
        { linkedCameras: Array.from({ length: 17 }, (_, i) => `${BRANCH}.cam${i}`) },
        { text: 't'.repeat(501) },
        { text: 't'.repeat(70_000) },
        { zone: 'z'.repeat(41) },
        { occurredAt: 'yesterday' },
        { id: 'not-a-ulid' },
      )
      .map((over) => alarmOf(over)),
  )
  .map((v): Buffer => Buffer.from(JSON.stringify(v)));

/** Numbers JSON.stringify cannot write: beyond any double, negative zero, a leading zero, NaN. */
const rawBrokenAlarmArb = fc
  .constantFrom('"seq":1e400,', '"seq":-0,', '"seq":01,', '"seq":NaN,')
  .map((seq) => Buffer.from(JSON.stringify(alarmOf()).replace('"seq":1,', seq)));

/** A valid alarm cut short: a proper prefix of a JSON object is never valid JSON. */
const truncatedAlarmArb = fc.double({ min: 0, max: 0.999, noNaN: true }).map((f) => {
  const full = Buffer.from(encode(alarmOf()));
  return full.subarray(0, Math.floor(full.length * f));
});

interface MqttInput {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

const mqttArb: fc.Arbitrary<MqttInput> = fc.record({
  topic: fc.oneof(
    { weight: 5, arbitrary: fc.constant(upTopic(BRANCH, 'alarm')) },
    { weight: 4, arbitrary: fc.constantFrom(...UP_KINDS).map((k) => `bsm/v1/${BRANCH}/up/${k}`) },
    {
      weight: 2,
      arbitrary: fc
        .string({
          unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_/.$ 中文'.split('')),
          maxLength: 40,
        })
        .map((s) => `bsm/v1/${BRANCH}/up/${s}`),
    },
  ),
  payload: fc.oneof(
    { weight: 4, arbitrary: brokenAlarmArb },
    { weight: 1, arbitrary: rawBrokenAlarmArb },
    { weight: 2, arbitrary: truncatedAlarmArb },
    { weight: 2, arbitrary: jsonText.map((t) => Buffer.from(t)) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(70 * 1024, 0x7b)) },
  ),
  retain: fc.constant(false),
});

// ---- the run -----------------------------------------------------------------------------------------------

describe(`fuzz of the API and the MQTT ingest (${SECONDS} s, seed ${SEED})`, () => {
  let center: CenterProcess;
  let branch: MqttClient;
  const acks: AlarmAck[] = [];
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    console.log(
      `fuzz seed ${SEED}: replay with FUZZ_SEED=${SEED} FUZZ_SECONDS=${SECONDS} npx vitest run test/integration/fuzz.int.test.ts`,
    );
    center = await startCenterProcess({
      branches: [BRANCH, OTHER],
      users: [
        { username: 'watcher', role: 'operator' },
        { username: 'secadmin', role: 'security_admin' },
        { username: 'viewer', role: 'ordinary_user' },
      ],
      signIn: [...SESSION_USERS],
    });
    for (const username of SESSION_USERS) {
      cookies.set(username, center.cookies[username] ?? '');
    }
    // The branch's own credentials on a connection of the test's: good alarms and fuzz share it.
    branch = await mqtt.connectAsync(center.brokerUrl, {
      clientId: `fuzz-${BRANCH}`,
      username: BRANCH,
      password: branchSecret(BRANCH),
      clean: true,
      reconnectPeriod: 500,
    });
    branch.on('message', (topic, payload) => {
      if (topic.endsWith('/down/ack')) {
        acks.push(JSON.parse(payload.toString()) as AlarmAck);
      }
    });
    await branch.subscribeAsync(downFilter(BRANCH), { qos: 1 });
  });

  afterAll(async () => {
    await branch?.endAsync();
    await center?.stop();
  });

  it('never crashes, never answers 500, stores every good alarm once and nothing else', async () => {
    const findings: Finding[] = [];
    const statuses = new Map<number, number>();
    const sent = { rest: 0, mqtt: 0, health: 0 };
    const good: string[] = [];
    const deadline = Date.now() + SECONDS * 1000;

    const cookieFor = (s: SessionKind, noise: string): Record<string, string> => {
      const session =
        s === 'garbage' ? 'bsm_session_fz=garbage-token' : s === 'none' || s === 'bearer' ? '' : (cookies.get(s) ?? '');
      const cookie = [session, noise].filter(Boolean).join('; ');
      return {
        ...(cookie ? { cookie } : {}),
        ...(s === 'bearer' ? { authorization: `Bearer ${'A'.repeat(43)}` } : {}),
      };
    };

    const exercise = async (req: RestInput & { cookieNoise: string }): Promise<void> => {
      const url = `${center.httpUrl}${req.path}${req.query}`;
      const headers = { ...req.headers, ...cookieFor(req.session, req.cookieNoise) };
      const input = {
        ...req,
        body:
          typeof req.body === 'string' && req.body.length > 300
            ? `${req.body.slice(0, 300)}… (${req.body.length} chars)`
            : req.body,
        cookieNoise:
          req.cookieNoise.length > 200
            ? `${req.cookieNoise.slice(0, 60)}… (${req.cookieNoise.length} chars)`
            : req.cookieNoise,
      };
      let res: Response;
      try {
        res = await fetch(url, {
          method: req.method,
          headers,
          ...(req.body !== undefined ? { body: req.body } : {}),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        if (error instanceof TypeError && /Invalid URL|header/i.test(error.message)) {
          return; // refused by fetch itself before anything was sent
        }
        findings.push({ what: `no answer: ${(error as Error).message}`, input });
        return;
      }
      sent.rest += 1;
      const text = req.method === 'HEAD' ? '' : await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      let code: string | undefined;
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
      } catch {
        code = undefined;
      }
      if (res.status === 500 || code === 'internal') {
        findings.push({ what: 'a 500', input, status: res.status, body: text.slice(0, 300) });
        return;
      }
      const pathname = new URL(res.url || url).pathname;
      // The health check answers 503 with its own body when the center is unwell: that is not a refusal.
      const onApi = pathname.startsWith('/api/') && !/^\/api\/health\/?$/.test(pathname);
      // Node's HTTP parser refuses oversized headers itself (431), before the center sees the request.
      if (onApi && res.status >= 400 && res.status !== 431 && req.method !== 'HEAD' && code === undefined) {
        findings.push({
          what: 'a refusal without a JSON error code',
          input,
          status: res.status,
          body: text.slice(0, 300),
        });
      }
    };

    const healthWatch = (async () => {
      while (Date.now() < deadline) {
        try {
          const res = await fetch(`${center.httpUrl}/api/health`, { signal: AbortSignal.timeout(10_000) });
          const body = (await res.json()) as { ok?: unknown; broker?: unknown };
          if (![200, 503].includes(res.status) || typeof body.ok !== 'boolean') {
            findings.push({ what: 'health check answered oddly', input: null, status: res.status });
          }
          if (body.broker === false) {
            findings.push({ what: 'the center lost its broker connection', input: null, status: res.status });
          }
          sent.health += 1;
        } catch (error) {
          findings.push({ what: `health check failed: ${(error as Error).message}`, input: null });
        }
        if (!center.alive()) {
          findings.push({ what: `the center process died: ${center.stderr()}`, input: null });
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const goodAlarms = (async () => {
      let seq = 0;
      while (Date.now() < deadline && center.alive()) {
        const alarm = alarmOf({ seq: ++seq, type: 'panic', priority: 1 });
        good.push(alarm.id);
        await branch.publishAsync(upTopic(BRANCH, 'alarm'), Buffer.from(encode(alarm)), { qos: 1 });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const restFuzz = fc.assert(
      fc.asyncProperty(restArb, async (req) => {
        await exercise(req);
      }),
      { seed: SEED, numRuns: Number.MAX_SAFE_INTEGER, plugins: [fc.interruptAfterTimeLimit(SECONDS * 1000)] },
    );
    const mqttFuzz = fc.assert(
      fc.asyncProperty(mqttArb, async (msg) => {
        await branch.publishAsync(msg.topic, msg.payload, { qos: 1, retain: msg.retain });
        sent.mqtt += 1;
      }),
      { seed: SEED + 1, numRuns: Number.MAX_SAFE_INTEGER, plugins: [fc.interruptAfterTimeLimit(SECONDS * 1000)] },
    );
    await Promise.all([restFuzz, mqttFuzz, healthWatch, goodAlarms]);

    // After the run: alive and healthy, every good alarm acknowledged and stored once, nothing else stored.
    expect(center.alive(), center.stderr()).toBe(true);
    const health = await fetch(`${center.httpUrl}/api/health`);
    expect([200, 503]).toContain(health.status);
    const unacknowledged = (): string[] => good.filter((id) => !acks.some((a) => a.ids.includes(id)));
    await waitFor('every good alarm acknowledged', () => unacknowledged().length === 0, 30_000).catch(() => undefined);
    expect.soft(unacknowledged(), 'good alarms never acknowledged').toEqual([]);
    const db = new pg.Client({ connectionString: center.databaseUrl });
    await db.connect();
    let stored: { id: string; n: number }[];
    try {
      stored = (await db.query<{ id: string; n: string }>('SELECT id, count(*) AS n FROM alarms GROUP BY id')).rows.map(
        (r) => ({ id: r.id, n: Number(r.n) }),
      );
    } finally {
      await db.end();
    }
    console.log(
      `fuzz: ${sent.rest} requests (${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}), ` + `${sent.mqtt} MQTT messages, ${good.length} good alarms, ${sent.health} health checks`,
    );
    expect.soft(findings, JSON.stringify(findings.slice(0, 10), null, 2)).toEqual([]);
    expect.soft(stored.filter((s) => s.n !== 1)).toEqual([]);
    expect.soft(stored.map((s) => s.id).sort()).toEqual([...good].sort());
    expect(good.length).toBeGreaterThan(SECONDS * 5);
  });
});
