import { describe, expect, it } from 'vitest';
import { mapNode } from '../test-support/fixtures';
import { escapeHtml } from './escape-html';
import { markerClasses, markerVisualKey, markerVisualOf, summarizeCluster } from './marker-visual';

describe('markerClasses', () => {
  it('marks an online, an offline and an alarmed branch with its state class', () => {
    const classesOf = (overrides: Parameters<typeof mapNode>[0]) =>
      markerClasses(markerVisualOf(mapNode(overrides), false));
    expect(classesOf({ id: 'a', state: 'online' })).toContain('bsm-marker--online');
    expect(classesOf({ id: 'a', state: 'offline' })).toContain('bsm-marker--offline');
    const alarmed = classesOf({ id: 'a', state: 'online', openAlarms: 2, topPriority: 1 });
    expect(alarmed).toContain('bsm-marker--alarm');
    expect(alarmed).toContain('bsm-marker--p1');
    expect(alarmed).not.toContain('bsm-marker--online');
  });

  it('draws centers apart from branches', () => {
    const classes = markerClasses(markerVisualOf(mapNode({ id: 'c', kind: 'center', tier: 2 }), false));
    expect(classes).toContain('bsm-marker--center');
    expect(classes).not.toContain('bsm-marker--branch');
  });
});

describe('markerVisualKey', () => {
  it('changes when a branch goes into alarm or changes priority, not when its alarm count grows', () => {
    const quiet = markerVisualKey(markerVisualOf(mapNode({ id: 'a' }), false));
    const one = markerVisualKey(markerVisualOf(mapNode({ id: 'a', openAlarms: 1, topPriority: 3 }), false));
    const two = markerVisualKey(markerVisualOf(mapNode({ id: 'a', openAlarms: 2, topPriority: 3 }), false));
    const urgent = markerVisualKey(markerVisualOf(mapNode({ id: 'a', openAlarms: 3, topPriority: 1 }), false));
    expect(one).not.toBe(quiet);
    expect(two).toBe(one);
    expect(urgent).not.toBe(two);
  });
});

describe('summarizeCluster', () => {
  it('is red with the most urgent level when any member is in alarm', () => {
    expect(
      summarizeCluster([
        { state: 'online', alarmLevel: null },
        { state: 'alarm', alarmLevel: 3 },
        { state: 'alarm', alarmLevel: 2 },
        { state: 'offline', alarmLevel: null },
      ]),
    ).toEqual({ count: 4, state: 'alarm', alarmLevel: 2, alarmCount: 2 });
  });

  it('is grey only when every member is offline', () => {
    expect(
      summarizeCluster([
        { state: 'offline', alarmLevel: null },
        { state: 'offline', alarmLevel: null },
      ]).state,
    ).toBe('offline');
    expect(
      summarizeCluster([
        { state: 'offline', alarmLevel: null },
        { state: 'online', alarmLevel: null },
      ]).state,
    ).toBe('online');
  });
});

describe('escapeHtml', () => {
  it('keeps markup in a branch name from reaching the map as HTML', () => {
    expect(escapeHtml('<img src=x onerror="alert(1)">')).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
  });
});
