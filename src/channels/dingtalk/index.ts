import type { Dispatcher } from 'undici';
import { observerFor, type PlatformCallObserver } from '../call-observer.js';
import type { StreamOpener } from '../callback-stream.js';
import { DingtalkClient } from './dingtalk.client.js';
import { parseDingtalkConfig, type DingtalkKind } from './dingtalk.config.js';
import { DingtalkProvider } from './dingtalk.provider.js';
import { dingtalkStreamOpener } from './dingtalk.stream.js';

export { DingtalkProvider } from './dingtalk.provider.js';
export { DingtalkClient } from './dingtalk.client.js';
export * from './dingtalk.config.js';
export { parseCardCallback, type CardCallback } from './dingtalk.callback.js';
export * from './dingtalk.sign.js';

/**
 * DingTalk Standard or Exclusive: one module, own credentials per edition. The config is validated here so a
 * registry can pass what it loaded from storage; the Dispatcher is the process's one shared connection pool.
 */
export function createDingtalkProvider(
  kind: DingtalkKind,
  config: unknown,
  dispatcher: Dispatcher,
  options: { now?: () => number; onCall?: PlatformCallObserver } = {},
): DingtalkProvider {
  const valid = parseDingtalkConfig(kind, config);
  // The app key is the app's identity on DingTalk (the client id); its org's quota is what the calls count against.
  const observer = observerFor(options.onCall, kind, valid.appKey, options.now);
  const client = new DingtalkClient({
    appKey: valid.appKey,
    appSecret: valid.appSecret,
    apiBaseUrl: valid.apiBaseUrl.replace(/\/+$/, ''),
    oapiBaseUrl: valid.oapiBaseUrl.replace(/\/+$/, ''),
    dispatcher,
    ...(options.now ? { now: options.now } : {}),
    ...(observer ? { observer } : {}),
  });
  return new DingtalkProvider(kind, valid, client);
}

/**
 * The Stream connection this channel wants, if any: in stream mode, and after leaving it until `streamUntil` (cards
 * created in stream mode keep calling back over Stream). Undefined: clicks come over HTTP only.
 */
export function createDingtalkStream(
  kind: DingtalkKind,
  config: unknown,
  dispatcher: Dispatcher,
  now = Date.now(),
): StreamOpener | undefined {
  const valid = parseDingtalkConfig(kind, config);
  const draining = valid.streamUntil !== undefined && Date.parse(valid.streamUntil) > now;
  return valid.callbackMode === 'stream' || draining ? dingtalkStreamOpener(valid, dispatcher) : undefined;
}
