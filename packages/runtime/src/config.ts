import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Every problem found in a configuration, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type PlainObject = Record<string, unknown>;

const isPlainObject = (v: unknown): v is PlainObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge where later layers win; arrays are replaced, not concatenated. */
export function mergeLayers(...layers: PlainObject[]): PlainObject {
  const out: PlainObject = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      const prev = out[key];
      out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeLayers(prev, value) : value;
    }
  }
  return out;
}

/** Reads a YAML or JSON config file (JSON is valid YAML). */
export function readConfigFile(path: string): PlainObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read file: ${(error as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(path, [`not valid YAML: ${(error as Error).message}`]);
  }
  if (parsed === null || parsed === undefined) {
    return {};
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigError(path, ['the top level must be a mapping of keys to values']);
  }
  return parsed;
}

/**
 * Environment overrides: `<PREFIX>__HTTP__PORT=8080` sets `http.port`.
 * Keys are camelCased from SNAKE_CASE, and values are parsed as YAML scalars
 * so numbers and booleans keep their type. Double underscores separate levels
 * because single ones appear inside key names (`DATABASE__URL`, `NODE__ID`).
 */
export function envLayer(prefix: string, env: NodeJS.ProcessEnv = process.env): PlainObject {
  const out: PlainObject = {};
  const head = `${prefix}__`;
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(head) || raw === undefined) {
      continue;
    }
    const path = name
      .slice(head.length)
      .split('__')
      .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
    let cursor = out;
    path.forEach((key, i) => {
      if (i === path.length - 1) {
        cursor[key] = parseScalar(raw);
      } else {
        const next = isPlainObject(cursor[key]) ? cursor[key] : {};
        cursor[key] = next;
        cursor = next;
      }
    });
  }
  return out;
}

function parseScalar(raw: string): unknown {
  try {
    const value: unknown = parseYaml(raw);
    return value === null ? raw : value;
  } catch {
    return raw;
  }
}

/** One problem per line, `path: message`, in the order zod found them. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `${where}: ${issue.message}`;
  });
}

export interface LoadConfigOptions {
  /** File named on the command line or in `<PREFIX>_CONFIG`; omitted means defaults and environment only. */
  file?: string | undefined;
  envPrefix: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * defaults → file → environment → validate. The schema carries the defaults
 * and must reject unknown keys (`z.strictObject`), so a misspelt option stops
 * the process instead of being silently ignored.
 */
export function loadConfig<S extends z.ZodType>(schema: S, options: LoadConfigOptions): z.infer<S> {
  const env = options.env ?? process.env;
  const file = options.file ?? env[`${options.envPrefix}_CONFIG`];
  const layers: PlainObject[] = [];
  if (file) {
    layers.push(readConfigFile(file));
  }
  layers.push(envLayer(options.envPrefix, env));
  const result = schema.safeParse(mergeLayers(...layers));
  if (!result.success) {
    throw new ConfigError(file ?? `environment ${options.envPrefix}__*`, formatIssues(result.error));
  }
  return result.data;
}
