import { describe, expect, it } from 'vitest';
import {
  ALARM_ACTIONS,
  ALARM_SOURCES,
  ALARM_STATUSES,
  ALARM_TYPES,
  DEVICE_KINDS,
  DISPOSITIONS,
  EscalationReason,
  NODE_STATES,
  PROCEDURE_STEPS,
  ROLES,
} from '@bsm/protocol';
import { WORKFLOW_ACTIONS } from '../alarm/alarm-actions';
import { ALARM_BADGES } from '../alarm/alarm-badges';
import { en } from './en';
import { readLanguagePreference, writeLanguagePreference } from './language-preference';
import { zhCN } from './zh-CN';

/** Every leaf key as a dotted path, e.g. "alarmType.panic". */
function leafKeys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? leafKeys(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function leafValues(tree: object): unknown[] {
  return Object.values(tree as Record<string, unknown>).flatMap((value) =>
    typeof value === 'object' && value !== null ? leafValues(value) : [value],
  );
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort();

describe('translations', () => {
  it('have the same keys in Chinese and English', () => {
    expect(leafKeys(en).sort()).toEqual(leafKeys(zhCN).sort());
  });

  it('fill every key with a non-empty text in both languages', () => {
    for (const values of [leafValues(zhCN), leafValues(en)]) {
      expect(values.every((value) => typeof value === 'string' && value.trim().length > 0)).toBe(true);
    }
  });

  it('name every alarm type, role, device kind and node state of the protocol, differently per type', () => {
    for (const messages of [zhCN, en]) {
      for (const type of ALARM_TYPES) {
        expect(messages.alarmType[type], type).toBeTruthy();
      }
      expect(new Set(ALARM_TYPES.map((type) => messages.alarmType[type])).size).toBe(ALARM_TYPES.length);
      for (const role of ROLES) {
        expect(messages.role[role], role).toBeTruthy();
      }
      for (const kind of DEVICE_KINDS) {
        expect(messages.deviceKind[kind], kind).toBeTruthy();
      }
      for (const state of NODE_STATES) {
        expect(messages.nodeState[state], state).toBeTruthy();
      }
    }
  });

  it('name every alarm status, action, disposition, procedure step, source and escalation reason of the workflow', () => {
    for (const messages of [zhCN, en]) {
      const named = (group: Record<string, string>, keys: readonly string[]): void => {
        for (const key of keys) {
          expect(group[key], key).toBeTruthy();
        }
        expect(new Set(keys.map((key) => group[key])).size, keys.join()).toBe(keys.length);
      };
      named(messages.alarmStatus, ALARM_STATUSES);
      named(messages.alarmEvent, ALARM_ACTIONS);
      named(messages.alarmAction, WORKFLOW_ACTIONS);
      named(messages.disposition, DISPOSITIONS);
      named(messages.procedureStep, PROCEDURE_STEPS);
      named(messages.alarmSource, ALARM_SOURCES);
      named(messages.escalationReason, EscalationReason.options);
      named(messages.alarmConsole, ALARM_BADGES);
    }
  });

  it('use the same placeholders in both languages, so no value goes missing in English', () => {
    const english = new Map(
      leafKeys(en).map((key) => [
        key,
        key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], en),
      ]),
    );
    for (const key of leafKeys(zhCN)) {
      const chinese = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], zhCN);
      expect(placeholders(String(english.get(key))), key).toEqual(placeholders(String(chinese)));
    }
  });

  it('says 用户名或密码错误 for wrong credentials in Chinese', () => {
    expect(zhCN.login.badCredentials).toBe('用户名或密码错误');
  });
});

describe('language preference', () => {
  const memoryStorage = (): Pick<Storage, 'getItem' | 'setItem'> => {
    const values = new Map<string, string>();
    return { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value) };
  };

  it('defaults to Simplified Chinese', () => {
    expect(readLanguagePreference(memoryStorage())).toBe('zh-CN');
    expect(readLanguagePreference(undefined)).toBe('zh-CN');
  });

  it('remembers English once chosen', () => {
    const storage = memoryStorage();
    writeLanguagePreference(storage, 'en');
    expect(readLanguagePreference(storage)).toBe('en');
  });

  it('ignores an unknown stored value and a storage that throws', () => {
    const storage = memoryStorage();
    storage.setItem('bsm.language', 'fr');
    expect(readLanguagePreference(storage)).toBe('zh-CN');
    const broken = {
      getItem: (): string | null => {
        throw new Error('denied');
      },
    };
    expect(readLanguagePreference(broken)).toBe('zh-CN');
  });
});
