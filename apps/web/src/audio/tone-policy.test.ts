import { describe, expect, it } from 'vitest';
import { alarmView } from '../test-support/fixtures';
import { arrivalTone, sustainedTone, toneForPriority } from './tone-policy';

describe('tone per priority', () => {
  it('sounds P1 urgently, repeats P2 and chimes once for P3/P4', () => {
    expect(toneForPriority(1)).toBe('urgent');
    expect(toneForPriority(2)).toBe('repeat');
    expect(toneForPriority(3)).toBe('chime');
    expect(toneForPriority(4)).toBe('chime');
  });

  it('chimes on arrival only where no sustained tone takes over', () => {
    expect(arrivalTone(1)).toBeNull();
    expect(arrivalTone(2)).toBeNull();
    expect(arrivalTone(3)).toBe('chime');
  });
});

describe('sustained tone', () => {
  it('keeps the most urgent tone among this center’s unacknowledged alarms', () => {
    expect(sustainedTone([alarmView({ priority: 3 }), alarmView({ priority: 2 })])).toBe('repeat');
    expect(sustainedTone([alarmView({ priority: 2 }), alarmView({ priority: 1 })])).toBe('urgent');
  });

  it('stops once acknowledged, and never sounds for another center’s alarm', () => {
    expect(sustainedTone([alarmView({ priority: 1, status: 'acknowledged' })])).toBeNull();
    expect(sustainedTone([alarmView({ priority: 1, responsible: false })])).toBeNull();
    expect(sustainedTone([alarmView({ priority: 4 })])).toBeNull();
    expect(sustainedTone([])).toBeNull();
  });
});
