export * from './journal.js';
export * from './outbox.js';
