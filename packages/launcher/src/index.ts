export * from './topology.js';
export * from './network.js';
export * from './postgres.js';
export * from './branch-kit.js';
export { formatLogLine } from './supervisor.js';
export { ensureWebBuilt } from './web-build.js';
export { freshTotpCode, signIn, SignInError, type SignedInClient } from './sign-in.js';
export { demoTlsFiles, ensureDemoTls, type DemoTlsFiles } from './tls.js';
