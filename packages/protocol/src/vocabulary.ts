import { z } from 'zod';

/** The fixed vocabulary of alarm types. Codes from existing panels (Contact ID, SIA) map onto these. */
export const ALARM_TYPES = [
  'intrusion',
  'panic',
  'duress',
  'vault_door',
  'atm_tamper',
  'fire',
  'video_loss',
  'video_tamper',
  'device_offline',
  'disk_failure',
  'test',
] as const;
export const AlarmType = z.enum(ALARM_TYPES);
export type AlarmType = z.infer<typeof AlarmType>;

/** 1 is the most urgent. */
export const AlarmPriority = z.number().int().min(1).max(4);
export type AlarmPriority = 1 | 2 | 3 | 4;

/** The priority an alarm of each type gets when its source does not say. */
export const DEFAULT_PRIORITY: Record<AlarmType, AlarmPriority> = {
  panic: 1,
  duress: 1,
  vault_door: 1,
  fire: 1,
  intrusion: 2,
  atm_tamper: 2,
  video_tamper: 3,
  video_loss: 3,
  device_offline: 3,
  disk_failure: 4,
  test: 4,
};

export const ALARM_SOURCES = ['panel', 'panic-button', 'manual', 'system', 'video-analytics'] as const;
export const AlarmSource = z.enum(ALARM_SOURCES);
export type AlarmSource = z.infer<typeof AlarmSource>;

/**
 * Risk class of a branch (营业场所风险等级): 1 is the highest, e.g. a branch
 * with a vault or a cash center. It orders the map and the alarm queue.
 */
export const Importance = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type Importance = z.infer<typeof Importance>;

export const Tier = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type Tier = z.infer<typeof Tier>;

export const NODE_KINDS = ['center', 'branch'] as const;
export const NodeKind = z.enum(NODE_KINDS);
export type NodeKind = z.infer<typeof NodeKind>;

export const DEVICE_KINDS = [
  'nvr',
  'dvr',
  'ipc',
  'alarm_panel',
  'atm_monitor',
  'vault_door',
  'access_control',
  'intercom',
] as const;
export const DeviceKind = z.enum(DEVICE_KINDS);
export type DeviceKind = z.infer<typeof DeviceKind>;

export const NODE_STATES = ['online', 'offline'] as const;
export const NodeStateName = z.enum(NODE_STATES);
export type NodeStateName = z.infer<typeof NodeStateName>;

/**
 * Roles of C2h (super operator, operator, ordinary user), the security
 * administrator of S3 who manages users and sees no data, the auditor who
 * reads the audit trail, and the staff of a branch, who use its panel
 * (panic, duress, arming) and see its alarms only. Their permissions are in
 * `permissions.ts`.
 */
export const ROLES = [
  'super_operator',
  'operator',
  'ordinary_user',
  'security_admin',
  'auditor',
  'branch_staff',
] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
