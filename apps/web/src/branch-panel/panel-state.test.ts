import type { BranchPanelResponse } from '@bsm/protocol';
import { describe, expect, it } from 'vitest';
import { alarmView, mapNode } from '../test-support/fixtures';
import { initialPanelState, panelReducer, type PanelAction, type PanelState } from './panel-state';

const BRANCH = 'fz-gl-01';
const zone = (id: string, armed: boolean) => ({
  zone: id,
  inputs: [`${BRANCH}.in-${id}`],
  armed,
  since: null,
  by: null,
});

function panel(overrides: Partial<BranchPanelResponse> = {}): BranchPanelResponse {
  return { branch: mapNode({ id: BRANCH }), alarms: [], zones: [zone('01', true), zone('02', false)], ...overrides };
}

const run = (actions: PanelAction[], state: PanelState = initialPanelState): PanelState =>
  actions.reduce(panelReducer, state);

describe('panelReducer', () => {
  it('lists open alarms first, newest first, then the closed ones', () => {
    const closedNew = alarmView({ status: 'closed', receivedAt: '2025-01-01T09:00:00.000Z' });
    const openOld = alarmView({ status: 'new', receivedAt: '2025-01-01T07:00:00.000Z' });
    const openNew = alarmView({ status: 'acknowledged', receivedAt: '2025-01-01T08:00:00.000Z' });
    const state = run([{ type: 'load:done', panel: panel({ alarms: [closedNew, openOld, openNew] }) }]);
    expect(state.alarms.map((a) => a.id)).toEqual([openNew.id, openOld.id, closedNew.id]);
    expect(state.load).toBe('ready');
  });

  it('shows a pressed panic as on its way until the center reports it, then as the alarm itself', () => {
    const loaded = run([{ type: 'load:done', panel: panel() }]);
    const alarm = alarmView({ type: 'panic', origin: BRANCH });
    const raised = panelReducer(loaded, {
      type: 'raised',
      raise: { alarmId: alarm.id, type: 'panic', at: alarm.occurredAt },
    });
    expect(raised.raising).toHaveLength(1);
    const arrived = panelReducer(raised, { type: 'event', event: { type: 'alarm', alarm } });
    expect(arrived.raising).toHaveLength(0);
    expect(arrived.alarms.map((a) => a.id)).toEqual([alarm.id]);
    // The push may beat the button's own answer: nothing left waiting then either.
    expect(panelReducer(arrived, { type: 'raised', raise: raised.raising[0]! }).raising).toHaveLength(0);
  });

  it('replaces an alarm with its newer version as the officer handles it', () => {
    const alarm = alarmView({ origin: BRANCH });
    const state = run([
      { type: 'load:done', panel: panel({ alarms: [alarm] }) },
      { type: 'event', event: { type: 'alarm', alarm: { ...alarm, status: 'verifying' } } },
    ]);
    expect(state.alarms).toHaveLength(1);
    expect(state.alarms[0]?.status).toBe('verifying');
  });

  it('replays what was pushed while a reload was on its way, so a handled alarm does not go back to new', () => {
    const alarm = alarmView({ origin: BRANCH });
    const state = run([
      { type: 'load:done', panel: panel({ alarms: [alarm] }) },
      { type: 'load:requested' },
      { type: 'event', event: { type: 'alarm', alarm: { ...alarm, status: 'closed' } } },
      // The reload was answered before the close: it still says new.
      { type: 'load:done', panel: panel({ alarms: [alarm] }) },
    ]);
    expect(state.alarms[0]?.status).toBe('closed');
    expect(state.held).toHaveLength(0);
  });

  it('ignores alarms of other nodes and forgets the zones when the branch goes offline', () => {
    const state = run([
      { type: 'load:done', panel: panel() },
      { type: 'event', event: { type: 'alarm', alarm: alarmView({ origin: 'fz-gl-02' }) } },
      { type: 'event', event: { type: 'node:state', state: { nodeId: BRANCH, state: 'offline', since: 'x' } } },
    ]);
    expect(state.alarms).toHaveLength(0);
    expect(state.branch?.state).toBe('offline');
    expect(state.zones).toBeNull();
  });

  it('keeps an alarm about the branch raised by its center (device offline has the branch as subject)', () => {
    const offline = alarmView({ origin: 'fz', subject: BRANCH, type: 'device_offline' });
    const state = run([
      { type: 'load:done', panel: panel() },
      { type: 'event', event: { type: 'alarm', alarm: offline } },
    ]);
    expect(state.alarms.map((a) => a.id)).toEqual([offline.id]);
  });

  it('updates one zone with what the branch answered', () => {
    const armed = { ...zone('02', true), since: '2025-01-01T08:00:00.000Z', by: 'fz-gulou-staff' };
    const state = run([
      { type: 'load:done', panel: panel() },
      { type: 'zone', zone: armed },
    ]);
    expect(state.zones?.map((z) => [z.zone, z.armed])).toEqual([
      ['01', true],
      ['02', true],
    ]);
  });

  it('says why loading failed and keeps what it showed', () => {
    const alarm = alarmView({ origin: BRANCH });
    const state = run([
      { type: 'load:done', panel: panel({ alarms: [alarm] }) },
      { type: 'load:requested' },
      { type: 'load:failed', message: 'HTTP 502' },
    ]);
    expect(state).toMatchObject({ load: 'failed', failure: 'HTTP 502' });
    expect(state.alarms).toHaveLength(1);
  });
});
