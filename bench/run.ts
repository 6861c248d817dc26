/**
 * Benchmark harness: `npm run bench -- <name> [args…]` runs `bench/<name>.ts`.
 *
 * A bench module exports `async function main(args: string[]): Promise<Record<string, unknown>>`
 * and starts with a doc comment whose first line says what it measures. The
 * harness prints, as the last line of stdout, one JSON object
 * `{"bench": "<name>", ...figures}` (or `{"bench": "<name>", "error": "…"}` and
 * exit code 1 when the bench fails), so scripts can `tail -n 1` it.
 * `npm run bench` alone lists the benches; an unknown name exits 2.
 *
 * Every `bench/*.ts` except this file and `*.test.ts` is a bench: put shared
 * helpers in a subfolder (`bench/lib/`).
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureDemoTls } from '@bsm/launcher';

export interface BenchInfo {
  name: string;
  file: string;
  /** First line of the file's leading doc comment, or '' when it has none. */
  summary: string;
}

export type BenchMain = (args: string[]) => Promise<Record<string, unknown>>;

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Exit codes: 0 success or listing, 1 the bench failed, 2 usage error (unknown bench). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Whether a file name in the bench folder is a runnable bench. */
export function isBenchFile(fileName: string): boolean {
  return (
    fileName.endsWith('.ts') &&
    !fileName.endsWith('.d.ts') &&
    !fileName.endsWith('.test.ts') &&
    fileName !== 'run.ts' &&
    !fileName.startsWith('.')
  );
}

/** First line of the leading `/** … *\/` (or `/* … *\/`) comment of a source file, after an optional shebang. */
export function leadingDocLine(source: string): string {
  const match = /^(?:#![^\n]*\n)?\s*\/\*\*?([\s\S]*?)\*\//.exec(source);
  if (!match?.[1]) {
    return '';
  }
  for (const raw of match[1].split('\n')) {
    const line = raw.replace(/^\s*\*?\s?/, '').trim();
    if (line !== '') {
      return line;
    }
  }
  return '';
}

/** The benches of a folder, sorted by name. */
export async function discoverBenches(dir: string = BENCH_DIR): Promise<BenchInfo[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && isBenchFile(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    files.map(async (fileName) => {
      const file = join(dir, fileName);
      return { name: fileName.slice(0, -'.ts'.length), file, summary: leadingDocLine(await readFile(file, 'utf8')) };
    }),
  );
}

/** The listing printed by `npm run bench` without a name. */
export function formatList(benches: BenchInfo[]): string {
  if (benches.length === 0) {
    return 'No benches yet: add bench/<name>.ts exporting `async function main(args: string[])`.';
  }
  const width = Math.max(...benches.map((b) => b.name.length));
  return [
    'Usage: npm run bench -- <name> [args…]',
    '',
    'Benches:',
    ...benches.map((b) => `  ${b.name.padEnd(width)}  ${b.summary}`.trimEnd()),
  ].join('\n');
}

/** JSON that never throws: bigints become numbers (or strings when too large), other values as JSON.stringify does. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') {
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
    }
    return v;
  });
}

/** The result line: one JSON object on one line, `bench` first. A `bench` key among the figures cannot override it. */
export function formatResult(name: string, figures: Record<string, unknown>): string {
  const { bench: _ignored, ...rest } = figures;
  return toJson({ bench: name, ...rest });
}

/** The result line of a failed bench. */
export function formatError(name: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return toJson({ bench: name, error: message });
}

export interface RunIo {
  dir?: string;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The CLI without the process: returns the exit code. */
export async function runCli(argv: string[], io: RunIo): Promise<number> {
  const benches = await discoverBenches(io.dir ?? BENCH_DIR);
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === '--list') {
    io.out(formatList(benches));
    return EXIT.ok;
  }
  const bench = benches.find((b) => b.name === name);
  if (!bench) {
    const valid = benches.length > 0 ? benches.map((b) => b.name).join(', ') : '(none yet)';
    io.err(`unknown bench "${name}"; available: ${valid}`);
    return EXIT.usage;
  }
  try {
    const mod = (await import(pathToFileURL(resolve(bench.file)).href)) as { main?: unknown };
    if (typeof mod.main !== 'function') {
      throw new Error(`bench/${bench.name}.ts does not export a main(args) function`);
    }
    const figures: unknown = await (mod.main as BenchMain)(args);
    if (typeof figures !== 'object' || figures === null || Array.isArray(figures)) {
      throw new Error(`main() of bench/${bench.name}.ts must resolve to an object of figures`);
    }
    io.out(formatResult(bench.name, figures as Record<string, unknown>));
    return EXIT.ok;
  } catch (error) {
    if (error instanceof Error && error.stack) {
      io.err(error.stack);
    }
    io.out(formatError(bench.name, error));
    return EXIT.failed;
  }
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);

/**
 * The benches' networks serve HTTPS like `npm start`, all with one demo CA
 * that this process and its children trust. Node reads NODE_EXTRA_CA_CERTS
 * only at start, so without it the harness runs itself again with it set.
 */
function trustingDemoCa(): NodeJS.ProcessEnv | null {
  const dir = process.env.BSM_TLS_DIR ?? resolve(BENCH_DIR, '../.data/bench-tls');
  const { caCertFile } = ensureDemoTls(dir);
  process.env.BSM_TLS_DIR = dir;
  return process.env.NODE_EXTRA_CA_CERTS === caCertFile ? null : { ...process.env, NODE_EXTRA_CA_CERTS: caCertFile };
}

if (isMain) {
  const env = trustingDemoCa();
  if (env) {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => child.kill(signal));
    }
    child.on('exit', (code) => process.exit(code ?? EXIT.failed));
  } else {
    const code = await runCli(process.argv.slice(2), {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    // Exit once stdout is flushed, so handles a bench left open cannot hang the run or print after the result line.
    process.stdout.write('', () => process.exit(code));
  }
}
