export * from './random.js';
export * from './alarm-panel.js';
