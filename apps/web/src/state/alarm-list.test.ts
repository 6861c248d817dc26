import { describe, expect, it } from 'vitest';
import { alarmView } from '../test-support/fixtures';
import { mergeAlarms, replaceAlarm } from './alarm-list';

describe('mergeAlarms', () => {
  it('puts the most recently received alarm on top', () => {
    const older = alarmView({ receivedAt: '2025-01-01T08:00:00.000Z' });
    const newer = alarmView({ receivedAt: '2025-01-01T08:05:00.000Z' });
    expect(mergeAlarms([older], [newer]).map((a) => a.id)).toEqual([newer.id, older.id]);
  });

  it('puts a late-delivered alarm (old id, just received) on top', () => {
    const lateButOld = alarmView({ receivedAt: '2025-01-01T09:00:00.000Z' });
    const earlierReceived = alarmView({ receivedAt: '2025-01-01T08:59:00.000Z' });
    expect(mergeAlarms([earlierReceived], [lateButOld])[0]?.id).toBe(lateButOld.id);
  });

  it('lists an alarm delivered twice only once', () => {
    const alarm = alarmView();
    expect(mergeAlarms([alarm], [alarm, { ...alarm }])).toHaveLength(1);
  });

  it('orders alarms received in the same instant by id, newest first', () => {
    const first = alarmView({ receivedAt: '2025-01-01T08:00:00.000Z' });
    const second = alarmView({ receivedAt: '2025-01-01T08:00:00.000Z' });
    expect(mergeAlarms([], [first, second]).map((a) => a.id)).toEqual([second.id, first.id]);
  });

  it('drops the oldest beyond its capacity', () => {
    const alarms = [1, 2, 3].map((minute) => alarmView({ receivedAt: `2025-01-01T08:0${minute}:00.000Z` }));
    expect(mergeAlarms([], alarms, 2).map((a) => a.receivedAt)).toEqual([
      '2025-01-01T08:03:00.000Z',
      '2025-01-01T08:02:00.000Z',
    ]);
  });
});

describe('replaceAlarm', () => {
  it('shows the new workflow state in place', () => {
    const a = alarmView();
    const b = alarmView();
    const list = mergeAlarms([], [a, b]);
    const updated = replaceAlarm(list, { ...a, status: 'acknowledged' });
    expect(updated.map((x) => x.id)).toEqual(list.map((x) => x.id));
    expect(updated.find((x) => x.id === a.id)?.status).toBe('acknowledged');
  });

  it('does not add an alarm the list does not show', () => {
    const list = [alarmView()];
    expect(replaceAlarm(list, alarmView({ status: 'closed' }))).toBe(list);
  });
});
