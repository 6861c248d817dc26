import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const STATE_FILE = 'state.json';

/** What the agent remembers between runs, beside the outbox. */
const AgentState = z.strictObject({
  /** Revision of the last catalog published; bumped when the catalog's content changes. */
  catalogRevision: z.number().int().nonnegative(),
  /** SHA-256 of that catalog's content (everything but its time and revision). */
  catalogDigest: z.string(),
});
type AgentState = z.infer<typeof AgentState>;

export const digestOf = (content: unknown): string =>
  createHash('sha256').update(JSON.stringify(content)).digest('hex');

async function readState(dir: string): Promise<AgentState | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, STATE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  const parsed = AgentState.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`${join(dir, STATE_FILE)} is damaged: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** Writes the state atomically (temp file, fsync, rename). */
async function writeState(dir: string, state: AgentState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, STATE_FILE);
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(`${JSON.stringify(state)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/**
 * The catalog revision for content with this digest: the stored one when the
 * content is unchanged, else the next one (persisted before it is used, so a
 * revision is never published for two different contents).
 */
export async function catalogRevisionFor(dir: string, digest: string): Promise<{ revision: number; changed: boolean }> {
  const state = await readState(dir);
  if (state && state.catalogDigest === digest) {
    return { revision: state.catalogRevision, changed: false };
  }
  const revision = (state?.catalogRevision ?? 0) + 1;
  await writeState(dir, { catalogRevision: revision, catalogDigest: digest });
  return { revision, changed: true };
}
