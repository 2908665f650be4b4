/** Where the API finds channel configs (verification token, encrypt key, apiSecret): the same source the worker uses. */
export const CHANNEL_CONFIG_SOURCE = Symbol('CHANNEL_CONFIG_SOURCE');

/** The clock callbacks check request timestamps against (ms since epoch); injected so tests can move it. */
export const CALLBACK_CLOCK = Symbol('CALLBACK_CLOCK');
export type CallbackClock = () => number;
