export * from './ids.js';
export * from './vocabulary.js';
export * from './catalog.js';
export * from './messages.js';
export * from './topics.js';
export * from './decode.js';
export * from './api.js';
export * from './socket.js';
