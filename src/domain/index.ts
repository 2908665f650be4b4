export * from './approval.js';
export * from './card.js';
export * from './channel.js';
export * from './ids.js';
export * from './policy.js';
export * from './search-attributes.js';
export * from './state.js';
export * from './user.js';
