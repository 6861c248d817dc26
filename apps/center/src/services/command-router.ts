import {
  COMMAND_ERROR_CODES,
  newCorrelationId,
  type Command,
  type CommandErrorCode,
  type CommandName,
  type CommandReply,
  type LinkUsage,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import type { CenterBus } from '../broker/bus.js';
import type { NodeIndex } from './node-index.js';

/** Thrown by a local command handler to refuse with a code of `COMMAND_ERROR_CODES` instead of `failed`. */
export class CommandError extends Error {
  constructor(
    readonly code: CommandErrorCode,
    message: string,
    /** With `link_full` and `preempted`: who uses the link. */
    readonly link?: LinkUsage,
  ) {
    super(message);
  }

  /** The refusal a parent center reads for an API error raised while serving its command. */
  static from(error: { code: string; message: string; link?: LinkUsage | undefined }): CommandError {
    const code = Object.hasOwn(COMMAND_ERROR_CODES, error.code) ? (error.code as CommandErrorCode) : 'failed';
    return new CommandError(code, error.message, error.link);
  }
}

/**
 * Commands travel down the tree one hop at a time: each center finds the
 * direct child through which the target is reached and passes the command
 * on; the reply comes back up the same way by correlation id. Commands for
 * this center itself are handled by `local`.
 */
export class CommandRouter {
  private readonly fromParent = new Map<string, number>();
  private readonly awaiting = new Map<string, { resolve: (r: CommandReply) => void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly selfId: string,
    private readonly deps: {
      bus: CenterBus;
      index: NodeIndex;
      log: Logger;
      replyUp: (reply: CommandReply) => void;
      local: (command: Command) => Promise<Record<string, unknown>>;
    },
  ) {}

  /** A command from the parent center: act on it here or pass it down. */
  handleFromParent(command: Command): void {
    void this.dispatch(command).then((reply) => {
      if (reply) {
        this.deps.replyUp(reply);
      }
    });
  }

  /** Issue a command from this center (API, services) and wait for its reply. */
  async send(
    target: string,
    name: CommandName,
    args: Record<string, unknown> = {},
    opts: { issuedBy?: string; timeoutMs?: number } = {},
  ): Promise<CommandReply> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const now = Date.now();
    const command: Command = {
      id: newCorrelationId(),
      name,
      target,
      args,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + timeoutMs).toISOString(),
      ...(opts.issuedBy ? { issuedBy: opts.issuedBy } : {}),
    };
    if (target === this.selfId) {
      const reply = await this.dispatch(command);
      if (reply) {
        return reply;
      }
    }
    const route = this.deps.index.routeTo(target);
    if (route === null) {
      throw new CommandError('unknown_target', `no route to ${target}`);
    }
    return new Promise<CommandReply>((resolve) => {
      const timer = setTimeout(() => {
        this.awaiting.delete(command.id);
        resolve({
          correlationId: command.id,
          from: target,
          ok: false,
          error: { code: 'timeout', message: `no reply from ${target} within ${timeoutMs} ms` },
        });
      }, timeoutMs);
      this.awaiting.set(command.id, { resolve, timer });
      this.deps.bus.publishDown(route, 'command', command);
    });
  }

  /** A reply arrived from a child: it answers either one of ours or one we passed down for the parent. */
  handleReply(reply: CommandReply): void {
    const mine = this.awaiting.get(reply.correlationId);
    if (mine) {
      clearTimeout(mine.timer);
      this.awaiting.delete(reply.correlationId);
      mine.resolve(reply);
      return;
    }
    if (this.fromParent.delete(reply.correlationId)) {
      this.deps.replyUp(reply);
      return;
    }
    this.deps.log.debug({ correlationId: reply.correlationId }, 'reply to an unknown or expired command');
  }

  private async dispatch(command: Command): Promise<CommandReply | null> {
    const fail = (code: CommandErrorCode, message: string, link?: LinkUsage): CommandReply => ({
      correlationId: command.id,
      from: this.selfId,
      ok: false,
      error: { code, message: message.slice(0, 500), ...(link ? { link } : {}) },
    });
    if (Date.parse(command.expiresAt) < Date.now()) {
      return fail('expired', 'command arrived after it expired');
    }
    if (command.target === this.selfId) {
      try {
        const result = await this.deps.local(command);
        return { correlationId: command.id, from: this.selfId, ok: true, result };
      } catch (error) {
        return error instanceof CommandError
          ? fail(error.code, error.message, error.link)
          : fail('failed', (error as Error).message);
      }
    }
    const route = this.deps.index.routeTo(command.target);
    if (route === null) {
      return fail('unknown_target', `${this.selfId} has no route to ${command.target}`);
    }
    this.fromParent.set(command.id, Date.parse(command.expiresAt));
    this.prune();
    this.deps.bus.publishDown(route, 'command', command);
    return null;
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, expires] of this.fromParent) {
      if (expires < now - 60_000) {
        this.fromParent.delete(id);
      }
    }
  }

  close(): void {
    for (const { timer } of this.awaiting.values()) {
      clearTimeout(timer);
    }
  }
}
