import { newAlarmId, type Alarm, type NodeState } from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import type { AlarmRepository } from '../repositories/alarm.repository.js';
import type { NodeIndex } from './node-index.js';

export interface OfflineWatchDeps {
  selfId: string;
  alarms: AlarmRepository;
  index: NodeIndex;
  log: Logger;
  /** Stores an alarm this center raised, like one received (the intake). */
  submit(alarm: Alarm): void;
  /** Marks this center's open alarms about a node restored (the node is back). */
  restored(subject: string): Promise<void>;
  /** A node that drops out for less than this (a quick restart) raises nothing. */
  graceMs?: number;
}

/**
 * Raises `device_offline` about a branch of this center whose agent vanished
 * (its last-will: the connection was lost, not closed), unless it is back
 * within a short grace; marks the alarm restored when it returns. The branch
 * cannot raise this alarm itself, so the center is its origin and the branch
 * its subject.
 */
export class OfflineWatch {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private chain = Promise.resolve();
  /** This center's next own sequence number, read once from the database, then counted here. */
  private nextSeq: number | null = null;

  constructor(private readonly deps: OfflineWatchDeps) {}

  statesChanged(states: NodeState[]): void {
    for (const s of states) {
      const node = this.deps.index.get(s.nodeId);
      // Only branches that report to this center directly: a child center watches its own.
      if (node?.kind !== 'branch' || node.reportedBy !== s.nodeId) {
        continue;
      }
      if (s.state === 'offline' && s.reason === 'connection lost') {
        if (!this.pending.has(s.nodeId)) {
          const timer = setTimeout(() => {
            this.pending.delete(s.nodeId);
            this.serial(() => this.raise(s.nodeId));
          }, this.deps.graceMs ?? 5_000);
          timer.unref();
          this.pending.set(s.nodeId, timer);
        }
      } else if (s.state === 'online') {
        const timer = this.pending.get(s.nodeId);
        if (timer) {
          clearTimeout(timer);
          this.pending.delete(s.nodeId);
        } else {
          this.serial(() => this.deps.restored(s.nodeId));
        }
      }
    }
  }

  close(): void {
    for (const timer of this.pending.values()) {
      clearTimeout(timer);
    }
    this.pending.clear();
  }

  /** One at a time, so two alarms never take the same sequence number. */
  private serial(task: () => Promise<void>): void {
    this.chain = this.chain
      .then(task)
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'offline watch failed'));
  }

  private async raise(branch: string): Promise<void> {
    if ((await this.deps.alarms.openAbout(this.deps.selfId, branch, 'device_offline')).length > 0) {
      return; // still open from an earlier drop
    }
    const name = this.deps.index.nameOf(branch);
    const alarm: Alarm = {
      id: newAlarmId(),
      origin: this.deps.selfId,
      seq: (this.nextSeq ??= await this.deps.alarms.nextOwnSeq(this.deps.selfId)),
      path: [this.deps.selfId],
      type: 'device_offline',
      priority: 3,
      linkedCameras: [],
      occurredAt: new Date().toISOString(),
      source: 'system',
      text: `${name} 与中心失去连接 (connection lost)`,
      subject: branch,
    };
    this.nextSeq += 1;
    this.deps.log.warn({ branch, alarmId: alarm.id }, 'branch lost: device-offline alarm raised');
    this.deps.submit(alarm);
  }
}
