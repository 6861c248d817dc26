import type { Logger } from '@bsm/runtime';
import pg from 'pg';

/** The application name a running center's presence connection carries. */
export const presenceName = (centerId: string): string => `bsm-center:${centerId}`;

const RECONNECT_MS = 5_000;

/**
 * A running center keeps one connection to its database open, named
 * `bsm-center:<id>` in pg_stat_activity, for as long as it runs. Restore
 * refuses a database anyone is connected to; the pool alone would not do:
 * an idle center's pool closes its connections after a few seconds, and a
 * `restore --force` would then drop the tables under a running center.
 * Reconnects by itself after the database restarts; never throws.
 */
export class CenterPresence {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly centerId: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) {
      return;
    }
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: presenceName(this.centerId),
      keepAlive: true,
    });
    let lost = false;
    const onLost = (error?: Error): void => {
      if (lost || this.closed) {
        return;
      }
      lost = true;
      this.client = null;
      this.log.warn({ err: error }, 'presence connection to the database lost; reconnecting');
      void client.end().catch(() => undefined);
      this.retry();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      this.client = client;
      if (this.closed) {
        await this.close();
      }
    } catch (error) {
      onLost(error as Error);
    }
  }

  private retry(): void {
    if (this.closed || this.timer) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, RECONNECT_MS);
    this.timer.unref();
  }
}
