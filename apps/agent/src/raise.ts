import { Alarm, AlarmPriority, AlarmSource, AlarmType, EntityId } from '@bsm/protocol';
import { z } from 'zod';

/**
 * How a caller (local HTTP API, simulator, command) asks the agent to raise
 * an alarm. Give a type, an alarm input, or both; what is left out comes from
 * the input (type, zone, linked cameras) or from the type (priority).
 */
export const RaiseRequest = z
  .strictObject({
    type: AlarmType.optional(),
    zone: Alarm.shape.zone,
    inputId: EntityId.optional(),
    text: Alarm.shape.text,
    source: AlarmSource.optional(),
    priority: AlarmPriority.optional(),
    linkedCameras: z.array(EntityId).max(16).optional(),
    /** `restore`: the input (or zone) is back to normal; it travels like an alarm and never closes one. */
    signal: Alarm.shape.signal,
  })
  .refine((r) => r.type !== undefined || r.inputId !== undefined, {
    message: `give a type (${AlarmType.options.join(', ')}) or an inputId`,
    path: ['type'],
  });
export type RaiseRequest = z.input<typeof RaiseRequest>;

export interface FieldProblem {
  path: string;
  message: string;
}

/** The request cannot become an alarm; `fields` says which parts are wrong and why. */
export class RaiseError extends Error {
  constructor(
    message: string,
    readonly fields: FieldProblem[],
  ) {
    super(`${message}: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`);
    this.name = 'RaiseError';
  }
}

export const fieldProblems = (error: z.ZodError): FieldProblem[] =>
  error.issues.map((i) => ({ path: i.path.length > 0 ? i.path.join('.') : '(body)', message: i.message }));
