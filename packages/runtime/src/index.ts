export * from './config.js';
export * from './logger.js';
export * from './shutdown.js';
export * from './secrets.js';
export * from './no-delay.js';
export * from './totp.js';
