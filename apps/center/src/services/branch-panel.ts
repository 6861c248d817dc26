import {
  PanelZone,
  type BranchPanelResponse,
  type CommandName,
  type CommandReply,
  type PanicResponse,
  type SessionUser,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { z } from 'zod';
import { HttpError } from '../api/http-errors.js';
import { auditedAction, type AuditContext, type AuditTrail } from '../audit/audited.js';
import type { AlarmRepository } from '../repositories/alarm.repository.js';
import type { NodeRepository } from '../repositories/node.repository.js';
import type { NodeIndex } from './node-index.js';

export interface BranchPanelDeps {
  nodes: NodeRepository;
  alarms: AlarmRepository;
  index: NodeIndex;
  log: Logger;
  /** Panic, duress and arming, done or refused (never the arming code). */
  audit: AuditTrail;
  send(target: string, name: CommandName, args: Record<string, unknown>, issuedBy: string): Promise<CommandReply>;
}

const ZonesResult = z.object({ zones: z.array(PanelZone) });
const ZoneResult = z.object({ zone: PanelZone });
const RaisedResult = z.object({ alarmId: z.ulid() });

/**
 * The branch panel: what a branch's staff see and do from a console — its
 * alarms and how the center handles them, the panic and duress buttons, and
 * the arming of its alarm panel's zones, which the agent at the branch checks.
 */
export class BranchPanel {
  constructor(private readonly deps: BranchPanelDeps) {}

  async view(user: SessionUser, branchId: string): Promise<BranchPanelResponse> {
    const branch = await this.branchFor(user, branchId);
    const since = new Date(Date.now() - 24 * 3600_000).toISOString();
    const recent = await this.deps.alarms.list(user.jurisdiction, { limit: 100, nodeId: branchId, state: 'all' });
    const alarms = recent.filter((a) => a.status !== 'closed' || a.receivedAt >= since);
    let zones: BranchPanelResponse['zones'] = null;
    if (branch.state === 'online') {
      const reply = await this.deps.send(branchId, 'panel.status', {}, `${user.username}@${user.center.id}`);
      const parsed = reply.ok ? ZonesResult.safeParse(reply.result) : null;
      zones = parsed?.success ? parsed.data.zones : null;
    }
    return { branch, alarms, zones };
  }

  /** Panic or duress from the panel: recorded, and never held up by the audit trail. */
  async panic(
    user: SessionUser,
    branchId: string,
    type: 'panic' | 'duress',
    ctx: AuditContext = {},
  ): Promise<PanicResponse> {
    return auditedAction(
      this.deps.audit,
      this.deps.log,
      { actor: user.username, action: `panel.${type}`, target: branchId, ip: ctx.ip ?? null },
      () => this.raise(user, branchId, type),
      (raised) => ({ alarmId: raised.alarmId }),
    );
  }

  private async raise(user: SessionUser, branchId: string, type: 'panic' | 'duress'): Promise<PanicResponse> {
    if (!user.permissions.includes('panel')) {
      throw new HttpError(403, 'forbidden', 'only the branch staff raise panic and duress alarms');
    }
    await this.branchFor(user, branchId, true);
    const by = `${user.username}@${user.center.id}`;
    const reply = await this.deps.send(branchId, 'alarm.raise', { type, by }, by);
    const raised = reply.ok ? RaisedResult.safeParse(reply.result) : null;
    if (!raised?.success) {
      this.deps.log.error({ branchId, type, error: reply.error }, 'panic from the branch panel not raised');
      throw new HttpError(
        503,
        'branch_offline',
        `the alarm could not be raised at the branch (${reply.error?.message ?? 'no answer'}): use the alarm button or call the center`,
      );
    }
    this.deps.log.warn({ branchId, type, by, alarmId: raised.data.alarmId }, 'panic raised from the branch panel');
    return { alarmId: raised.data.alarmId };
  }

  /** Arming or disarming a zone: recorded (the zone, not the code), never held up by the audit trail. */
  async arm(
    user: SessionUser,
    branchId: string,
    zone: string,
    armed: boolean,
    code: string,
    ctx: AuditContext = {},
  ): Promise<PanelZone> {
    return auditedAction(
      this.deps.audit,
      this.deps.log,
      {
        actor: user.username,
        action: armed ? 'panel.arm' : 'panel.disarm',
        target: branchId,
        ip: ctx.ip ?? null,
        detail: { zone },
      },
      () => this.armNow(user, branchId, zone, armed, code),
    );
  }

  private async armNow(
    user: SessionUser,
    branchId: string,
    zone: string,
    armed: boolean,
    code: string,
  ): Promise<PanelZone> {
    // The branch's staff at their panel, or a center's officer arming remotely.
    if (!user.permissions.includes('panel') && !user.permissions.includes('alarms')) {
      throw new HttpError(403, 'forbidden', 'arming needs the panel or alarms permission');
    }
    await this.branchFor(user, branchId, true);
    const by = `${user.username}@${user.center.id}`;
    const reply = await this.deps.send(branchId, 'panel.arm', { zone, armed, code, by }, by);
    if (!reply.ok) {
      const code = reply.error?.code ?? 'failed';
      const status = code === 'wrong_code' ? 403 : code === 'unknown_zone' ? 404 : code === 'timeout' ? 504 : 409;
      throw new HttpError(status, code, reply.error?.message ?? 'the branch did not answer');
    }
    const parsed = ZoneResult.safeParse(reply.result);
    if (!parsed.success) {
      throw new HttpError(502, 'bad_reply', 'the branch answered something unexpected');
    }
    return parsed.data.zone;
  }

  /** A branch in the user's jurisdiction, online when the action needs it. */
  private async branchFor(user: SessionUser, branchId: string, mustBeOnline = false) {
    const record = this.deps.index.get(branchId);
    if (!record || record.kind !== 'branch' || !this.deps.index.isWithin(branchId, user.jurisdiction)) {
      throw new HttpError(404, 'not_found', `no branch ${branchId}`);
    }
    const node = (await this.deps.nodes.mapNodes(branchId)).find((n) => n.id === branchId);
    if (!node) {
      throw new HttpError(404, 'not_found', `no branch ${branchId}`);
    }
    if (mustBeOnline && node.state !== 'online') {
      throw new HttpError(
        503,
        'branch_offline',
        `${node.name} cannot be reached now: use the alarm button or call the center`,
      );
    }
    return node;
  }
}
