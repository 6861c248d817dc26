import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ALARM_TYPES, type Alarm } from '@bsm/protocol';
import { z } from 'zod';

/**
 * Raises an alarm at a running branch agent through its local HTTP API:
 *
 *   npm run alarm -- --branch fz-gulou --type panic [--zone counter] [--text "..."]
 *   npm run alarm -- --url http://127.0.0.1:8701 --type intrusion
 *
 * Prints the alarm id on stdout. Exit codes: 0 raised, 1 the agent refused or
 * could not be reached, 2 wrong usage (unknown branch or type).
 */
const USAGE = `usage: npm run alarm -- --branch <id> --type <type> [--zone <zone>] [--text <text>] [--input <inputId>]
       npm run alarm -- --url <agent url> --type <type> ...
types: ${ALARM_TYPES.join(', ')}
The agent URL of --branch comes from the demo network file ($BSM_NETWORK_FILE, default .data/demo/network.json).`;

/** The part of the launcher's network file this tool reads; other fields are ignored. */
const NetworkFile = z.object({
  branches: z.record(z.string(), z.object({ agentUrl: z.string(), name: z.string().optional() })),
});

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

class UsageError extends Error {}

function fail(message: string, code: number): never {
  process.stderr.write(`alarm: ${message}\n`);
  process.exit(code);
}

function agentUrlFor(branch: string): string {
  const file = process.env.BSM_NETWORK_FILE ?? `${REPO_ROOT}.data/demo/network.json`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`no demo network file at ${file} (is \`npm start\` running?); or give the agent's --url`);
  }
  let network: z.infer<typeof NetworkFile>;
  try {
    network = NetworkFile.parse(JSON.parse(text));
  } catch (error) {
    throw new UsageError(`cannot read the network file ${file}: ${(error as Error).message}`);
  }
  const entry = network.branches[branch];
  if (!entry) {
    const known = Object.entries(network.branches)
      .map(([id, b]) => (b.name ? `${id} (${b.name})` : id))
      .join(', ');
    throw new UsageError(`unknown branch "${branch}"; branches in the demo network: ${known || '(none)'}`);
  }
  return entry.agentUrl;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        branch: { type: 'string', short: 'b' },
        type: { type: 'string', short: 't' },
        zone: { type: 'string', short: 'z' },
        text: { type: 'string' },
        input: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const type = values.type;
  if (type === undefined && values.input === undefined) {
    fail(`give --type (${ALARM_TYPES.join(', ')}) or --input\n${USAGE}`, 2);
  }
  if (type !== undefined && !(ALARM_TYPES as readonly string[]).includes(type)) {
    fail(`unknown alarm type "${type}"; valid types: ${ALARM_TYPES.join(', ')}`, 2);
  }
  let url: string;
  try {
    if (values.url !== undefined) {
      url = values.url;
    } else if (values.branch !== undefined) {
      url = agentUrlFor(values.branch);
    } else {
      throw new UsageError(`give --branch <id> or --url <agent url>\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      fail(error.message, 2);
    }
    throw error;
  }

  const body: Record<string, string> = {};
  if (type !== undefined) {
    body.type = type;
  }
  for (const key of ['zone', 'text'] as const) {
    const value = values[key];
    if (value !== undefined) {
      body[key] = value;
    }
  }
  if (values.input !== undefined) {
    body.inputId = values.input;
  }

  const where = values.branch !== undefined ? `the agent of branch ${values.branch} at ${url}` : `the agent at ${url}`;
  let response: Response;
  try {
    response = await fetch(new URL('/alarms', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    fail(`cannot reach ${where}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, 1);
  }
  const text = await response.text();
  if (response.status !== 201) {
    let detail = text;
    try {
      const parsed = JSON.parse(text) as {
        error?: { message?: string; fields?: Array<{ path: string; message: string }> };
      };
      const fields = parsed.error?.fields?.map((f) => `\n  ${f.path}: ${f.message}`).join('') ?? '';
      detail = `${parsed.error?.message ?? text}${fields}`;
    } catch {
      // not JSON: show it as it came
    }
    fail(`${where} refused the alarm (HTTP ${response.status}): ${detail}`, 1);
  }
  const alarm = JSON.parse(text) as Alarm;
  process.stdout.write(`${alarm.id}\n`);
  process.stderr.write(
    `alarm raised at ${alarm.origin}: ${alarm.type}, priority ${alarm.priority}, seq ${alarm.seq}${alarm.zone ? `, zone ${alarm.zone}` : ''}\n`,
  );
}

main().catch((error: unknown) => fail((error as Error).stack ?? String(error), 1));
