import { describe, expect, it } from 'vitest';
import { mapNode } from '../test-support/fixtures';
import { alarmLevelOf, displayStateOf, urgencyRank } from './node-display-state';

describe('displayStateOf', () => {
  it('shows an online branch without alarms as online and an offline one as offline', () => {
    expect(displayStateOf(mapNode({ id: 'a', state: 'online' }))).toBe('online');
    expect(displayStateOf(mapNode({ id: 'a', state: 'offline' }))).toBe('offline');
  });

  it('shows any branch with an open alarm as in alarm, even when offline', () => {
    expect(displayStateOf(mapNode({ id: 'a', state: 'online', openAlarms: 1, topPriority: 3 }))).toBe('alarm');
    expect(displayStateOf(mapNode({ id: 'a', state: 'offline', openAlarms: 2, topPriority: 1 }))).toBe('alarm');
  });
});

describe('alarmLevelOf', () => {
  it('follows the top priority of the open alarms', () => {
    expect(alarmLevelOf(mapNode({ id: 'a', openAlarms: 1, topPriority: 3 }))).toBe(3);
    expect(alarmLevelOf(mapNode({ id: 'a', openAlarms: 0, topPriority: null }))).toBeNull();
  });

  it('draws an alarm of unknown priority as urgent rather than hiding it', () => {
    expect(alarmLevelOf(mapNode({ id: 'a', openAlarms: 1, topPriority: null }))).toBe(1);
  });
});

describe('urgencyRank', () => {
  it('puts urgent alarms first, then lesser alarms, then offline, then online', () => {
    const nodes = [
      mapNode({ id: 'online' }),
      mapNode({ id: 'offline', state: 'offline' }),
      mapNode({ id: 'p3', openAlarms: 1, topPriority: 3 }),
      mapNode({ id: 'p1', openAlarms: 1, topPriority: 1 }),
    ];
    expect([...nodes].sort((a, b) => urgencyRank(a) - urgencyRank(b)).map((n) => n.id)).toEqual([
      'p1',
      'p3',
      'offline',
      'online',
    ]);
  });
});
