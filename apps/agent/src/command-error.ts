import type { CommandErrorCode } from '@bsm/protocol';

/**
 * An error a command handler throws to refuse with a specific code (`unknown_camera`, `no_ptz`…) instead of the
 * generic `failed`, so the center can tell the officer why without parsing the message.
 */
export class CommandError extends Error {
  constructor(
    readonly code: CommandErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}
