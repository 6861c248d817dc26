import { isIP } from 'node:net';
import { EntityId } from '@bsm/protocol';
import { z } from 'zod';
import { parseKey } from './crypto.js';

/** A zone number as panels send it (`3`, `003`, `0003`), reduced to one spelling so `003` and `3` are one zone. */
export const normalizeZone = (zone: string): string => zone.replace(/^0+(?=\d)/, '');

const ZoneNumber = z.string().regex(/^\d{1,4}$/, 'a zone number: 1–4 digits');

/** One panel (one DC-09 account) reporting to this agent. */
export const Dc09AccountConfig = z
  .strictObject({
    /** The account the panel sends after `#`: 3–16 hex digits. Matched without regard to case. */
    account: z
      .string()
      .regex(/^[0-9A-Fa-f]{3,16}$/, 'must be 3–16 hex digits, as the panel sends it')
      .transform((a) => a.toUpperCase()),
    /** AES key of this panel. Prefer `keyFile`, so the secret stays out of the config file. */
    key: z.string().min(1).optional(),
    /** File holding the key (surrounding whitespace ignored), read once at start. Never logged. */
    keyFile: z.string().min(1).optional(),
    /** `hex`: 32/48/64 hex digits (AES-128/192/256); `text`: 16/24/32 characters used as the key bytes. */
    keyEncoding: z.enum(['hex', 'text']).default('hex'),
    /** Refuse (DUH) unencrypted messages from this account; default: true when the account has a key. */
    requireEncryption: z.boolean().optional(),
    /** Panel zone number → this branch's alarm input (`"5": fz-gulou-001.in-vault-door`). */
    inputs: z.record(ZoneNumber, EntityId).default({}),
    /** The panel in `devices`, named in the alarm raised when it falls silent. */
    deviceId: EntityId.optional(),
    /** Raise a device_offline alarm when no message (NULL, test or event) came for this long; 0 = do not watch. */
    supervisionSec: z.number().int().min(0).max(604_800).default(0),
  })
  .superRefine((a, ctx) => {
    if (a.key !== undefined && a.keyFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'give key or keyFile, not both' });
    }
    if (a.key !== undefined) {
      try {
        parseKey(a.key, a.keyEncoding);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['key'], message: (error as Error).message });
      }
    }
    const zones = new Map<string, string>();
    for (const zone of Object.keys(a.inputs)) {
      const same = zones.get(normalizeZone(zone));
      if (same !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['inputs', zone], message: `zone ${zone} is the same zone as ${same}` });
      }
      zones.set(normalizeZone(zone), zone);
    }
  })
  .transform(({ requireEncryption, inputs, ...a }) => ({
    ...a,
    requireEncryption: requireEncryption ?? (a.key !== undefined || a.keyFile !== undefined),
    inputs: Object.fromEntries(Object.entries(inputs).map(([zone, id]) => [normalizeZone(zone), id])),
  }));
export type Dc09AccountConfig = z.output<typeof Dc09AccountConfig>;

/** An IPv4/IPv6 address, or a subnet `address/prefix`. */
const AddressOrSubnet = z.string().refine(
  (text) => {
    const [address = '', prefix, ...more] = text.split('/');
    const family = isIP(address);
    if (family === 0 || more.length > 0) {
      return false;
    }
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  },
  { message: 'an IP address or subnet, e.g. 192.168.10.0/24' },
);

/** The SIA DC-09 receiver, for the branch's existing alarm panels. */
export const Dc09Section = z
  .strictObject({
    /** Listen for alarm panels reporting over SIA DC-09 (TCP). */
    enabled: z.boolean().default(false),
    /** Interface to listen on: the branch LAN address the panels reach. Loopback by default, so nothing is exposed by accident. */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port the panels are configured to send to (DC-09 has no fixed port); 0 picks a free one (tests). */
    port: z.number().int().min(0).max(65_535).optional(),
    /** Accept connections only from these addresses or subnets; empty = from anywhere that reaches `host`. */
    allowFrom: z.array(AddressOrSubnet).max(256).default([]),
    accounts: z.array(Dc09AccountConfig).max(1_000).default([]),
    /** A message whose timestamp is outside this window around the agent's clock gets a NAK (DC-09: +20 s / −40 s). */
    timestampWindow: z
      .strictObject({
        /** Seconds the message's time may be ahead of the agent's clock. */
        aheadSec: z.number().int().min(0).max(86_400).default(20),
        /** Seconds it may be behind. */
        behindSec: z.number().int().min(0).max(86_400).default(40),
      })
      .prefault({}),
    /** A retransmission (same account, sequence number and event) within this many seconds is ACKed, not raised again. */
    duplicateWindowSec: z.number().int().min(0).max(86_400).default(300),
    /** Close a connection idle this long (panels reconnect for their next message). */
    idleTimeoutSec: z.number().int().min(5).max(86_400).default(600),
    /** Open connections at most; more are refused. */
    maxConnections: z.number().int().min(1).max(10_000).default(64),
  })
  .superRefine((s, ctx) => {
    if (s.enabled && s.port === undefined) {
      ctx.addIssue({ code: 'custom', path: ['port'], message: 'give the port the panels send to' });
    }
    if (s.enabled && s.accounts.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['accounts'], message: 'list at least one panel account' });
    }
    const seen = new Map<string, number>();
    s.accounts.forEach((a, i) => {
      const first = seen.get(a.account);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'account'],
          message: `account ${a.account} is already accounts.${first}`,
        });
      } else {
        seen.set(a.account, i);
      }
    });
  });
export type Dc09Config = z.output<typeof Dc09Section>;

export interface ConfigProblem {
  path: Array<string | number>;
  message: string;
}

/** Problems of the section's references to the rest of the agent's config (alarm inputs, devices). */
export function dc09ReferenceProblems(
  section: Dc09Config,
  known: { inputIds: ReadonlySet<string>; deviceIds: ReadonlySet<string> },
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  section.accounts.forEach((a, i) => {
    for (const [zone, inputId] of Object.entries(a.inputs)) {
      if (!known.inputIds.has(inputId)) {
        problems.push({ path: ['accounts', i, 'inputs', zone], message: `no alarm input "${inputId}" in alarmInputs` });
      }
    }
    if (a.deviceId !== undefined && !known.deviceIds.has(a.deviceId)) {
      problems.push({ path: ['accounts', i, 'deviceId'], message: `no device "${a.deviceId}" in devices` });
    }
  });
  return problems;
}

/** The section with its keys replaced, fit for a log line. */
export function redactDc09(section: Dc09Config): Dc09Config {
  return {
    ...section,
    accounts: section.accounts.map((a) => (a.key === undefined ? a : { ...a, key: '[redacted]' })),
  };
}
