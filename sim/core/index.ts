// The simulator core: shared services for every platform module (see sim/README.md).
export * from './apps.js';
export * from './callbacks.js';
export * from './clicks.js';
export * from './control.js';
export * from './core.js';
export * from './faults.js';
export * from './groups.js';
export * from './http.js';
export * from './idempotency.js';
export * from './inbox.js';
export * from './limits.js';
export * from './request-log.js';
export type * from './route.js';
export * from './seed.js';
export * from './tokens.js';
export * from './types.js';
export * from './users.js';
