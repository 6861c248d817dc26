import type { AlarmInputEntry, AlarmSource, AlarmType } from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import type { RaiseRequest } from '../raise.js';
import { normalizeZone, type Dc09AccountConfig } from './config.js';
import { parseContactId } from './contact-id.js';
import { decryptPayload } from './crypto.js';
import { DuplicateWindow } from './dedupe.js';
import { checkFrame } from './frame.js';
import { parseHeader, type Dc09Header } from './header.js';
import { contactIdMeaning, siaMeaning, type Meaning } from './mapping.js';
import { parsePayload, splitAccount, type Dc09Payload } from './payload.js';
import { ackFrame, duhFrame, nakFrame } from './reply.js';
import { parseSiaDcs } from './sia-dcs.js';
import { parseTimestamp, withinWindow, type TimestampWindow } from './timestamp.js';

/** A restore: the condition an earlier alarm reported has ended (burglary zone closed, AC power back…). */
export interface RestoreSignal {
  /** The panel's account. */
  account: string;
  /** The alarm type being restored, resolved like the alarm's (the input's type for generic zone codes). */
  type: AlarmType;
  /** The branch's alarm input, when the zone is one. */
  inputId?: string;
  /** The panel's zone number, when the code has one. */
  zone?: string;
  /** The panel's code, e.g. `SIA BR` or `CID 3130`. */
  code: string;
  label: string;
  /** When the agent received it. */
  receivedAt: string;
}

/**
 * What the receiver needs from the agent: the agent's own alarm path, and somewhere for restores to go.
 * `raise` must resolve only once the alarm is durable (the agent's outbox journals and fsyncs before), because
 * the panel's ACK is sent after it and the panel forgets the event on ACK.
 */
export interface Dc09Sink {
  raise(request: RaiseRequest): Promise<unknown>;
  /**
   * The agent has no restore path yet (the protocol has no restore message), so a restore is handed here; when
   * absent the receiver logs it. A restore is never turned into a new alarm.
   */
  restore?(signal: RestoreSignal): Promise<void> | void;
}

/** An account ready for use: its config, and its key bytes when it has one. */
export interface Dc09Account extends Dc09AccountConfig {
  keyBytes: Buffer | undefined;
}

/** The fields of an alarm input the receiver uses. */
export type InputRef = Pick<AlarmInputEntry, 'id' | 'zone' | 'type'>;

export interface ProcessorOptions {
  accounts: readonly Dc09Account[];
  alarmInputs: readonly InputRef[];
  window: TimestampWindow;
  duplicateWindowMs: number;
  sink: Dc09Sink;
  logger: Logger;
  /** Called for every authenticated message within the timestamp window: the panel is alive. */
  onSeen?: (account: string, at: Date) => void;
  now?: () => Date;
  /** Pad generator for encrypted replies (tests make it deterministic). */
  pad?: (length: number) => string;
}

export type OutcomeKind = 'ack' | 'nak' | 'duh' | 'dropped' | 'failed';

export interface Outcome {
  kind: OutcomeKind;
  /** The framed reply to write; undefined for a dropped frame (bad CRC, bad length) or a failed raise. */
  reply: string | undefined;
  reason?: string;
  account?: string;
  seq?: string;
  /** Alarms raised for this frame (0 for a duplicate). */
  raised: number;
  duplicate: boolean;
}

export interface Dc09Stats {
  frames: number;
  acks: number;
  naks: number;
  duhs: number;
  /** Frames with a bad CRC, length or header: no reply, as DC-09 asks. */
  dropped: number;
  /** Frames whose alarm could not be stored: no reply, so the panel sends again. */
  failed: number;
  alarms: number;
  restores: number;
  duplicates: number;
}

/** One understood event of a frame. */
interface Interpreted {
  meaning: Meaning;
  code: string;
  zone: string | undefined;
  detail: string;
  text: string | undefined;
}

const KNOWN_TOKENS = new Set(['SIA-DCS', 'ADM-CID', 'NULL']);
const MAX_TEXT = 500;

/**
 * The DC-09 receiver's rules, frame by frame, without sockets: check, decrypt, authenticate, date-check,
 * interpret, store, then say which reply to send. The order of the checks is DC-09's: a frame that fails its CRC
 * or length is not answered at all (it may not even be ours); a stale timestamp is a NAK before anything is
 * interpreted (it may be a replay); only then can a code be "not understood" (DUH).
 */
export class Dc09Processor {
  readonly stats: Dc09Stats = {
    frames: 0,
    acks: 0,
    naks: 0,
    duhs: 0,
    dropped: 0,
    failed: 0,
    alarms: 0,
    restores: 0,
    duplicates: 0,
  };
  private readonly accounts: ReadonlyMap<string, Dc09Account>;
  private readonly inputsById: ReadonlyMap<string, InputRef>;
  /** Inputs whose configured zone is a bare number, for accounts without an explicit zone map. */
  private readonly inputsByZone: ReadonlyMap<string, InputRef>;
  private readonly duplicates: DuplicateWindow<number>;
  private readonly now: () => Date;

  constructor(private readonly options: ProcessorOptions) {
    this.accounts = new Map(options.accounts.map((a) => [a.account, a]));
    this.inputsById = new Map(options.alarmInputs.map((i) => [i.id, i]));
    const byZone = new Map<string, InputRef[]>();
    for (const input of options.alarmInputs) {
      if (/^\d{1,4}$/.test(input.zone)) {
        const zone = normalizeZone(input.zone);
        byZone.set(zone, [...(byZone.get(zone) ?? []), input]);
      }
    }
    // A zone number two inputs share names neither: better no input than the wrong camera.
    this.inputsByZone = new Map(
      [...byZone].filter(([, inputs]) => inputs.length === 1).map(([zone, inputs]) => [zone, inputs[0] as InputRef]),
    );
    this.now = options.now ?? (() => new Date());
    this.duplicates = new DuplicateWindow(options.duplicateWindowMs, () => this.now().getTime());
  }

  /** Handles one frame (`<LF>` to `<CR>`); never throws. `peer` names the sender in log lines. */
  async process(frame: string, peer = 'unknown'): Promise<Outcome> {
    this.stats.frames += 1;
    const log = this.options.logger;
    const checked = checkFrame(frame);
    if (!checked.ok) {
      return this.drop(peer, `${checked.reason}: ${checked.detail}`);
    }
    const header = parseHeader(checked.body);
    if (header === undefined) {
      return this.drop(peer, 'format: not a DC-09 message header');
    }
    const context = { peer, token: header.token, seq: header.seq, account: header.account };
    if (!KNOWN_TOKENS.has(header.token)) {
      return this.duh(header, context, `unknown token "${header.token}"`);
    }

    // The account decides the key, so it must be known before anything is decrypted.
    let payload: Dc09Payload | undefined;
    let accountName = header.account?.toUpperCase();
    if (accountName === undefined && !header.encrypted) {
      payload = parsePayload(header.rest);
      accountName = payload === undefined ? undefined : splitAccount(payload.data).account?.toUpperCase();
    }
    const replyTo = { ...header, account: header.account ?? accountName };
    const account = accountName === undefined ? undefined : this.accounts.get(accountName);
    if (account === undefined) {
      return this.duh(replyTo, context, accountName === undefined ? 'no account' : `unknown account ${accountName}`);
    }
    if (header.encrypted) {
      if (account.keyBytes === undefined) {
        return this.duh(replyTo, context, 'encrypted message for an account without a key');
      }
      const decrypted = decryptPayload(header.rest, account.keyBytes);
      if (!decrypted.ok) {
        return this.duh(replyTo, context, `cannot decrypt: ${decrypted.reason}`);
      }
      payload = parsePayload(decrypted.plain);
    } else {
      if (account.requireEncryption) {
        return this.duh(replyTo, context, 'unencrypted message for an account that requires encryption');
      }
      payload ??= parsePayload(header.rest);
    }
    if (payload === undefined) {
      return this.duh(replyTo, context, 'data, extended data or timestamp malformed');
    }

    const now = this.now();
    if (payload.timestamp === undefined) {
      // The timestamp is what makes an encrypted message impossible to replay: DC-09 requires it there.
      if (header.encrypted) {
        return this.nak(now, context, 'encrypted message without a timestamp');
      }
    } else {
      const at = parseTimestamp(payload.timestamp);
      if (at === undefined) {
        return this.nak(now, context, `invalid timestamp ${payload.timestamp}`);
      }
      if (!withinWindow(at, now, this.options.window)) {
        const offsetSec = Math.round((at.getTime() - now.getTime()) / 1000);
        return this.nak(now, context, `timestamp ${payload.timestamp} is ${offsetSec} s off the agent's clock`);
      }
    }
    this.options.onSeen?.(account.account, now);
    const key = header.encrypted ? account.keyBytes : undefined;

    if (header.token === 'NULL') {
      log.debug(context, 'dc09: link test (NULL)');
      return this.ack(replyTo, now, key, context, 0, false);
    }

    const { event } = splitAccount(payload.data);
    const interpreted = this.interpret(header.token, event);
    if (typeof interpreted === 'string') {
      return this.duh(replyTo, context, interpreted);
    }

    const dedupeKey = `${account.account}|${header.token}|${header.seq}|${event}`;
    const earlier = this.duplicates.get(dedupeKey);
    if (earlier !== undefined) {
      try {
        await earlier;
      } catch {
        // The first copy failed and was forgotten; this one is handled afresh below.
      }
    }
    const stillEarlier = this.duplicates.get(dedupeKey);
    if (stillEarlier !== undefined) {
      this.stats.duplicates += 1;
      log.info(context, 'dc09: retransmission of a message already taken: ACK without a new alarm');
      return this.ack(replyTo, now, key, context, 0, true);
    }
    const applying = this.apply(account, interpreted, context);
    this.duplicates.remember(dedupeKey, applying);
    try {
      const raised = await applying;
      return this.ack(replyTo, now, key, context, raised, false);
    } catch (error) {
      this.duplicates.forget(dedupeKey);
      this.stats.failed += 1;
      log.error(
        { ...context, err: error },
        'dc09: alarm not stored; no reply, so the panel sends it again and it is not lost',
      );
      return { kind: 'failed', reply: undefined, reason: (error as Error).message, raised: 0, duplicate: false };
    }
  }

  /** The frame's events with their meaning, or the reason they are not understood. */
  private interpret(token: string, event: string): Interpreted[] | string {
    if (token === 'ADM-CID') {
      const cid = parseContactId(event);
      if (cid === undefined) {
        return `malformed Contact ID data "${event}"`;
      }
      const meaning = contactIdMeaning(cid);
      const code = `CID ${cid.qualifier}${cid.code}`;
      if (meaning === undefined) {
        return `unknown Contact ID event ${cid.code}`;
      }
      return [{ meaning, code, zone: cid.zone, detail: `group ${cid.group} zone ${cid.zone}`, text: undefined }];
    }
    const events = parseSiaDcs(event);
    if (events === undefined) {
      return `malformed SIA data "${event}"`;
    }
    const result: Interpreted[] = [];
    for (const e of events) {
      const meaning = siaMeaning(e.code);
      if (meaning === undefined) {
        // All or nothing: acknowledging part of a block would tell the panel the rest was taken too.
        return `unknown SIA code ${e.code}`;
      }
      const detail = [e.area && `area ${e.area}`, e.address && `zone ${e.address}`].filter(Boolean).join(' ');
      result.push({ meaning, code: `SIA ${e.code}`, zone: e.address, detail, text: e.text });
    }
    return result;
  }

  /** Raises the alarms and passes on the restores, in order; resolves with the number of alarms raised. */
  private async apply(account: Dc09Account, events: Interpreted[], context: object): Promise<number> {
    const log = this.options.logger;
    let raised = 0;
    for (const e of events) {
      const { meaning } = e;
      const summary = `DC-09 #${account.account} ${e.code}${e.detail ? ` ${e.detail}` : ''}: ${meaning.label}${e.text ? ` — ${e.text}` : ''}`;
      if (meaning.kind === 'info' || meaning.kind === 'supervision') {
        log.info({ ...context, code: e.code, zone: e.zone }, `dc09: ${meaning.kind}: ${meaning.label}`);
        continue;
      }
      const input = this.inputFor(account, e.zone);
      const type = input !== undefined && meaning.zoneTyped ? input.type : meaning.type;
      const zone = e.zone === undefined ? undefined : normalizeZone(e.zone);
      if (meaning.kind === 'restore') {
        const signal: RestoreSignal = {
          account: account.account,
          type,
          code: e.code,
          label: meaning.label,
          receivedAt: this.now().toISOString(),
        };
        if (input !== undefined) {
          signal.inputId = input.id;
        }
        if (zone !== undefined && zone !== '0') {
          signal.zone = zone;
        }
        this.stats.restores += 1;
        if (this.options.sink.restore) {
          await this.options.sink.restore(signal);
        } else {
          log.info({ ...context, restore: signal }, `dc09: restore: ${summary}`);
        }
        continue;
      }
      const request: RaiseRequest = { type, source: sourceOf(type), text: summary.slice(0, MAX_TEXT) };
      if (meaning.priority !== undefined && type === meaning.type) {
        request.priority = meaning.priority;
      }
      if (input !== undefined) {
        request.inputId = input.id;
      } else if (zone !== undefined && zone !== '0') {
        request.zone = zone;
      }
      await this.options.sink.raise(request);
      raised += 1;
      this.stats.alarms += 1;
    }
    return raised;
  }

  /** The branch's alarm input for a panel zone: the account's zone map, else the one input with that zone number. */
  private inputFor(account: Dc09Account, zone: string | undefined): InputRef | undefined {
    if (zone === undefined || !/^\d+$/.test(zone)) {
      return undefined;
    }
    const normalized = normalizeZone(zone);
    if (normalized === '0') {
      // Zone 000 is the panel itself (system events), never an input.
      return undefined;
    }
    if (Object.keys(account.inputs).length > 0) {
      const id = account.inputs[normalized];
      return id === undefined ? undefined : this.inputsById.get(id);
    }
    return this.inputsByZone.get(normalized);
  }

  private ack(
    to: Pick<Dc09Header, 'seq' | 'receiver' | 'prefix' | 'account'>,
    now: Date,
    key: Buffer | undefined,
    context: object,
    raised: number,
    duplicate: boolean,
  ): Outcome {
    this.stats.acks += 1;
    this.options.logger.debug({ ...context, raised, duplicate }, 'dc09: ACK');
    return {
      kind: 'ack',
      reply: ackFrame(to, now, key, this.options.pad),
      account: to.account,
      seq: to.seq,
      raised,
      duplicate,
    };
  }

  private nak(now: Date, context: { seq: string; account: string | undefined }, reason: string): Outcome {
    this.stats.naks += 1;
    this.options.logger.warn({ ...context, reason }, 'dc09: NAK');
    return { kind: 'nak', reply: nakFrame(now), reason, seq: context.seq, raised: 0, duplicate: false };
  }

  private duh(
    to: Pick<Dc09Header, 'seq' | 'receiver' | 'prefix' | 'account'>,
    context: object,
    reason: string,
  ): Outcome {
    this.stats.duhs += 1;
    this.options.logger.warn({ ...context, reason }, 'dc09: DUH (not understood)');
    return { kind: 'duh', reply: duhFrame(to), reason, account: to.account, seq: to.seq, raised: 0, duplicate: false };
  }

  private drop(peer: string, reason: string): Outcome {
    this.stats.dropped += 1;
    this.options.logger.warn({ peer, reason }, 'dc09: frame dropped without reply');
    return { kind: 'dropped', reply: undefined, reason, raised: 0, duplicate: false };
  }
}

const sourceOf = (type: AlarmType): AlarmSource => (type === 'panic' || type === 'duress' ? 'panic-button' : 'panel');
