import type { Dispatcher } from 'undici';
import type { StreamOpener } from '../callback-stream.js';
import { parseFeishuConfig, type FeishuKind } from './feishu.config.js';
import { FeishuProvider, type FeishuProviderOptions } from './feishu.provider.js';
import { feishuStreamOpener } from './feishu.stream.js';

export { FeishuConfig, parseFeishuConfig, FEISHU_DEFAULT_BASE_URL } from './feishu.config.js';
export type { FeishuConfigInput, FeishuKind, ResolvedFeishuConfig } from './feishu.config.js';
export { FeishuProvider, feishuUuid } from './feishu.provider.js';
export { renderFeishuCard, renderReminderText, type FeishuButtonValue } from './feishu.card.js';
export * from './feishu.crypto.js';
export { FEISHU_ERROR_TABLE, feishuError } from './feishu.errors.js';

/** The Feishu or Lark provider for one app; `config` is validated here (zod) and gets the kind's base URL. */
export function createFeishuProvider(
  kind: FeishuKind,
  config: unknown,
  dispatcher: Dispatcher,
  options: FeishuProviderOptions = {},
): FeishuProvider {
  return new FeishuProvider(kind, parseFeishuConfig(kind, config), dispatcher, options);
}

/** The long connection this app wants in stream mode (the console setting is app-wide); undefined in HTTP mode. */
export function createFeishuStream(
  kind: FeishuKind,
  config: unknown,
  dispatcher: Dispatcher,
): StreamOpener | undefined {
  const valid = parseFeishuConfig(kind, config);
  return valid.callbackMode === 'stream' ? feishuStreamOpener(valid, dispatcher) : undefined;
}
