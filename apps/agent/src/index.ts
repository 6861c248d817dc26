export * from './agent.js';
export * from './config.js';
export * from './raise.js';
export { Outbox, JOURNAL_FILE, type AlarmDraft, type OutboxOptions, type OutboxStats } from './outbox/index.js';
export { Uplink, type UplinkStats, type CommandHandlers } from './uplink.js';
export { startLocalHttp, type LocalHttpServer } from './http.js';
