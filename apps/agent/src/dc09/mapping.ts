import type { AlarmPriority, AlarmType } from '@bsm/protocol';
import type { ContactIdEvent } from './contact-id.js';

/**
 * What a panel's event code means to the agent:
 * - `alarm`: raised into the outbox like any other alarm;
 * - `restore`: the condition of an earlier alarm has ended (a restore signal, never a new alarm);
 * - `supervision`: a test report; it only proves the panel and its path are alive;
 * - `info`: understood and acknowledged, but not an alarm (openings, closings, bypasses…): logged only.
 * A code with no meaning here is not understood: the panel gets a DUH.
 *
 * `zoneTyped` marks generic zone alarms (burglary, tamper, untyped): when the zone is one of the branch's
 * configured alarm inputs, the input's own type wins, because the branch knows that zone 5 is the vault door
 * and the panel only knows "burglary". Specific codes (fire, panic, holdup) keep their type whatever the zone.
 */
export type Meaning =
  | { kind: 'alarm'; type: AlarmType; priority?: AlarmPriority; zoneTyped: boolean; label: string }
  | { kind: 'restore'; type: AlarmType; zoneTyped: boolean; label: string }
  | { kind: 'supervision'; label: string }
  | { kind: 'info'; label: string };

interface Condition {
  class: 'condition';
  type: AlarmType;
  label: string;
  priority?: AlarmPriority;
  zoneTyped?: boolean;
}
interface Notice {
  class: 'supervision' | 'info';
  label: string;
}
type ContactIdEntry = Condition | Notice;

const alarm = (type: AlarmType, label: string, extra: Partial<Condition> = {}): Condition => ({
  class: 'condition',
  type,
  label,
  ...extra,
});
const zone = (type: AlarmType, label: string, extra: Partial<Condition> = {}): Condition =>
  alarm(type, label, { zoneTyped: true, ...extra });
const info = (label: string): Notice => ({ class: 'info', label });
const supervision = (label: string): Notice => ({ class: 'supervision', label });

/**
 * Contact ID event codes (SIA DC-05). Qualifier 1 raises the condition, 3 restores it. Types missing from the
 * protocol's vocabulary map to the closest one: power, battery and communication troubles to `device_offline`,
 * medical to `panic` (priority 2), silent panic to `duress` (a covert call for help, as a holdup button is).
 */
export const CONTACT_ID: Readonly<Record<string, ContactIdEntry>> = {
  '100': alarm('panic', 'medical', { priority: 2 }),
  '101': alarm('panic', 'personal emergency', { priority: 2 }),
  '110': alarm('fire', 'fire'),
  '111': alarm('fire', 'smoke'),
  '112': alarm('fire', 'combustion'),
  '113': alarm('fire', 'water flow (sprinkler)'),
  '114': alarm('fire', 'heat'),
  '115': alarm('fire', 'fire pull station'),
  '116': alarm('fire', 'duct'),
  '117': alarm('fire', 'flame'),
  '118': alarm('fire', 'fire near alarm', { priority: 2 }),
  '120': alarm('panic', 'panic'),
  '121': alarm('duress', 'duress'),
  '122': alarm('duress', 'silent panic'),
  '123': alarm('panic', 'audible panic'),
  '124': alarm('duress', 'duress: access granted'),
  '125': alarm('duress', 'duress: egress granted'),
  '130': zone('intrusion', 'burglary'),
  '131': zone('intrusion', 'perimeter burglary'),
  '132': zone('intrusion', 'interior burglary'),
  '133': zone('intrusion', '24-hour burglary (safe)'),
  '134': zone('intrusion', 'entry/exit burglary'),
  '135': zone('intrusion', 'day/night burglary'),
  '136': zone('intrusion', 'outdoor burglary'),
  '137': zone('intrusion', 'burglary tamper'),
  '138': zone('intrusion', 'burglary near alarm', { priority: 3 }),
  '139': zone('intrusion', 'intrusion verified', { priority: 1 }),
  '140': zone('intrusion', 'general alarm'),
  '143': alarm('device_offline', 'expansion module failure'),
  '144': zone('intrusion', 'sensor tamper'),
  '145': zone('intrusion', 'expansion module tamper'),
  '146': zone('intrusion', 'silent burglary'),
  '147': alarm('device_offline', 'sensor supervision failure'),
  '300': alarm('device_offline', 'system trouble'),
  '301': alarm('device_offline', 'AC power lost'),
  '302': alarm('device_offline', 'low system battery'),
  '305': info('system reset'),
  '306': info('panel programme changed'),
  '309': alarm('device_offline', 'battery test failure'),
  '311': alarm('device_offline', 'battery missing or dead'),
  '321': alarm('device_offline', 'bell/siren trouble'),
  '333': alarm('device_offline', 'expansion module failure'),
  '350': alarm('device_offline', 'communication trouble'),
  '351': alarm('device_offline', 'telephone line 1 fault'),
  '352': alarm('device_offline', 'telephone line 2 fault'),
  '354': alarm('device_offline', 'failure to communicate'),
  '373': alarm('device_offline', 'fire loop trouble'),
  '380': alarm('device_offline', 'sensor trouble'),
  '381': alarm('device_offline', 'RF sensor supervision lost'),
  '383': zone('intrusion', 'sensor tamper'),
  '384': alarm('device_offline', 'RF sensor low battery'),
  '400': info('opening/closing'),
  '401': info('opening/closing by user'),
  '402': info('group opening/closing'),
  '403': info('automatic opening/closing'),
  '406': info('cancel'),
  '407': info('remote arm/disarm'),
  '408': info('quick arm'),
  '409': info('keyswitch opening/closing'),
  '441': info('armed stay'),
  '442': info('keyswitch armed stay'),
  '570': info('zone bypass'),
  '601': supervision('manual test report'),
  '602': supervision('periodic test report'),
  '603': supervision('periodic RF transmission'),
  '607': info('walk test mode'),
  '627': info('programme mode entered'),
  '628': info('programme mode left'),
};

export function contactIdMeaning(event: ContactIdEvent): Meaning | undefined {
  const entry = CONTACT_ID[event.code];
  if (entry === undefined) {
    return undefined;
  }
  if (entry.class !== 'condition') {
    const verb = event.qualifier === 3 ? ' (restore/closing)' : '';
    return { kind: entry.class, label: `${entry.label}${verb}` };
  }
  switch (event.qualifier) {
    case 1:
      return conditionMeaning(entry, 'alarm');
    case 3:
      return conditionMeaning({ ...entry, label: `${entry.label} restored` }, 'restore');
    case 6:
      // Reported before and still present: the alarm already went out, a second one would be noise.
      return { kind: 'info', label: `${entry.label} (still present)` };
  }
}

function conditionMeaning(entry: Condition, kind: 'alarm' | 'restore'): Meaning {
  const zoneTyped = entry.zoneTyped ?? false;
  if (kind === 'restore') {
    return { kind, type: entry.type, zoneTyped, label: entry.label };
  }
  return entry.priority === undefined
    ? { kind, type: entry.type, zoneTyped, label: entry.label }
    : { kind, type: entry.type, zoneTyped, label: entry.label, priority: entry.priority };
}

type SiaEntry = { meaning: 'alarm' | 'restore'; condition: Condition } | Notice;

const sia = (meaning: 'alarm' | 'restore', condition: Condition, label = condition.label): SiaEntry => ({
  meaning,
  condition: { ...condition, label },
});

const BURGLARY = zone('intrusion', 'burglary');
const PANIC = alarm('panic', 'panic');
const HOLDUP = alarm('duress', 'holdup');
const FIRE = alarm('fire', 'fire');
const HEAT = alarm('fire', 'heat');
const MEDICAL = alarm('panic', 'medical', { priority: 2 });
const TAMPER = zone('intrusion', 'tamper');
const UNTYPED = zone('intrusion', 'untyped zone alarm');
const TROUBLE = (label: string): Condition => alarm('device_offline', label);

/** SIA DC-03 two-letter codes, alarms with their restores; same closest-type rules as Contact ID. */
export const SIA_CODES: Readonly<Record<string, SiaEntry>> = {
  BA: sia('alarm', BURGLARY),
  BV: sia('alarm', { ...BURGLARY, priority: 1 }, 'burglary verified'),
  BH: sia('restore', BURGLARY, 'burglary alarm restored'),
  BR: sia('restore', BURGLARY, 'burglary restored'),
  BT: sia('alarm', TROUBLE('burglary zone trouble')),
  BJ: sia('restore', TROUBLE('burglary zone trouble restored')),
  BS: sia('alarm', TROUBLE('burglary supervisory')),
  BB: info('burglary bypass'),
  BU: info('burglary unbypass'),
  BC: info('burglary cancel'),
  PA: sia('alarm', PANIC),
  PH: sia('restore', PANIC, 'panic alarm restored'),
  PR: sia('restore', PANIC, 'panic restored'),
  PT: sia('alarm', TROUBLE('panic zone trouble')),
  PJ: sia('restore', TROUBLE('panic zone trouble restored')),
  HA: sia('alarm', HOLDUP),
  HH: sia('restore', HOLDUP, 'holdup alarm restored'),
  HR: sia('restore', HOLDUP, 'holdup restored'),
  HT: sia('alarm', TROUBLE('holdup zone trouble')),
  HJ: sia('restore', TROUBLE('holdup zone trouble restored')),
  FA: sia('alarm', FIRE),
  FH: sia('restore', FIRE, 'fire alarm restored'),
  FR: sia('restore', FIRE, 'fire restored'),
  FT: sia('alarm', TROUBLE('fire trouble')),
  FJ: sia('restore', TROUBLE('fire trouble restored')),
  FS: sia('alarm', TROUBLE('fire supervisory')),
  KA: sia('alarm', HEAT),
  KH: sia('restore', HEAT, 'heat alarm restored'),
  KR: sia('restore', HEAT, 'heat restored'),
  MA: sia('alarm', MEDICAL),
  MH: sia('restore', MEDICAL, 'medical alarm restored'),
  MR: sia('restore', MEDICAL, 'medical restored'),
  TA: sia('alarm', TAMPER),
  TR: sia('restore', TAMPER, 'tamper restored'),
  UA: sia('alarm', UNTYPED),
  UH: sia('restore', UNTYPED, 'untyped zone alarm restored'),
  UR: sia('restore', UNTYPED, 'untyped zone restored'),
  JA: sia('alarm', alarm('intrusion', 'keypad code tamper')),
  AT: sia('alarm', TROUBLE('AC power trouble')),
  AR: sia('restore', TROUBLE('AC power restored')),
  YT: sia('alarm', TROUBLE('system battery trouble')),
  YM: sia('alarm', TROUBLE('system battery missing')),
  YR: sia('restore', TROUBLE('system battery restored')),
  YS: sia('alarm', TROUBLE('communications trouble')),
  YK: sia('restore', TROUBLE('communications restored')),
  LT: sia('alarm', TROUBLE('phone line trouble')),
  LR: sia('restore', TROUBLE('phone line restored')),
  XT: sia('alarm', TROUBLE('transmitter battery trouble')),
  XR: sia('restore', TROUBLE('transmitter battery restored')),
  CL: info('closing (armed)'),
  CA: info('automatic closing'),
  CG: info('area closed'),
  CR: info('recent closing'),
  OP: info('opening (disarmed)'),
  OA: info('automatic opening'),
  OG: info('area opened'),
  OR: info('disarmed from alarm'),
  RR: info('power up'),
  RP: supervision('automatic test'),
  RX: supervision('manual test'),
};

export function siaMeaning(code: string): Meaning | undefined {
  const entry = SIA_CODES[code];
  if (entry === undefined) {
    return undefined;
  }
  if ('class' in entry) {
    return { kind: entry.class, label: entry.label };
  }
  return conditionMeaning(entry.condition, entry.meaning);
}
