import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { AlarmInputEntry, PanelZone } from '@bsm/protocol';
import { verifySecret } from '@bsm/runtime';
import { z } from 'zod';
import { CommandError } from '../command-error.js';

const ARMING_FILE = 'arming.json';

const Stored = z.record(
  z.string(),
  z.strictObject({ armed: z.boolean(), since: z.string().nullable(), by: z.string().nullable() }),
);
type Stored = z.infer<typeof Stored>;

/** Inputs watched around the clock whatever the zone's arming: a panic, duress, fire or vault-door input. */
const ALWAYS_ON: readonly AlarmInputEntry['type'][] = ['panic', 'duress', 'fire', 'vault_door'];

export interface ArmingOptions {
  dataDir: string;
  inputs: readonly Pick<AlarmInputEntry, 'id' | 'zone' | 'type'>[];
  /** argon2id hash of the branch's arming code; without one, remote arming is refused. */
  codeHash: string | undefined;
}

/**
 * The arming of the branch alarm panel's zones: armed zones report
 * intrusions, disarmed ones (opening hours) do not; the state survives
 * restarts. Arming and disarming from a console need the branch's code,
 * checked here at the branch, never stored at a center.
 */
export class PanelArming {
  private state: Stored = {};

  private constructor(private readonly opts: ArmingOptions) {}

  static async load(opts: ArmingOptions): Promise<PanelArming> {
    const arming = new PanelArming(opts);
    try {
      const parsed = Stored.safeParse(JSON.parse(await readFile(join(opts.dataDir, ARMING_FILE), 'utf8')));
      if (parsed.success) {
        arming.state = parsed.data;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw error;
      }
    }
    return arming;
  }

  zones(): PanelZone[] {
    const byZone = new Map<string, string[]>();
    for (const input of this.opts.inputs) {
      if (input.zone !== undefined) {
        byZone.set(input.zone, [...(byZone.get(input.zone) ?? []), input.id]);
      }
    }
    return [...byZone].map(([zone, inputs]) => this.zoneOf(zone, inputs));
  }

  /** Whether an alarm of this input should be raised now. Zones never armed count as armed (fail safe). */
  reports(input: Pick<AlarmInputEntry, 'zone' | 'type'>): boolean {
    if (ALWAYS_ON.includes(input.type) || input.zone === undefined) {
      return true;
    }
    return this.state[input.zone]?.armed ?? true;
  }

  async set(zone: string, armed: boolean, code: string, by: string): Promise<PanelZone> {
    const found = this.zones().find((z) => z.zone === zone);
    if (!found) {
      throw new CommandError('unknown_zone', `no zone "${zone}" at this branch`);
    }
    if (this.opts.codeHash === undefined) {
      throw new CommandError('no_arm_code', 'no arming code is configured at this branch (panel.armCodeHash)');
    }
    if (!(await verifySecret(this.opts.codeHash, code))) {
      throw new CommandError('wrong_code', 'the arming code is wrong');
    }
    this.state = { ...this.state, [zone]: { armed, since: new Date().toISOString(), by } };
    await this.save();
    return this.zoneOf(zone, found.inputs);
  }

  private zoneOf(zone: string, inputs: string[]): PanelZone {
    const s = this.state[zone];
    return { zone, inputs, armed: s?.armed ?? true, since: s?.since ?? null, by: s?.by ?? null };
  }

  /** Atomically (temp file, fsync, rename): a crash leaves the old state or the new one. */
  private async save(): Promise<void> {
    await mkdir(this.opts.dataDir, { recursive: true });
    const path = join(this.opts.dataDir, ARMING_FILE);
    const fh = await open(`${path}.tmp`, 'w');
    try {
      await fh.writeFile(`${JSON.stringify(this.state)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(`${path}.tmp`, path);
  }
}
