import { request, type Dispatcher } from 'undici';
import { createDingtalkProvider } from '../channels/dingtalk/index.js';
import type { PlatformCallObserver } from '../channels/call-observer.js';
import type { ChannelConfigSource } from '../channels/registry.js';
import { CHANNEL_KINDS, type ChannelKind } from '../domain/channel.js';

/** The path of each platform's card callback on the API: what to paste into the platform's console. */
export function callbackPath(kind: ChannelKind): string {
  return `/callbacks/${kind}`;
}

export interface CallbackRegistration {
  kind: ChannelKind;
  url: string;
  status: 'registered' | 'skipped' | 'failed';
  /** Why it was skipped or failed (never a secret). */
  note?: string;
}

export interface RegisterCallbacksInput {
  channelSource: ChannelConfigSource;
  /** Public base URL of the API (PUBLIC_BASE_URL): the platforms POST clicks to `<base>/callbacks/<kind>`. */
  callbackBaseUrl: string;
  /** Sandbox mode: Feishu / Lark apps live in the simulator, whose control API stands in for their console. */
  simulatorUrl?: string;
  dispatcher: Dispatcher;
  /** Told about each platform call (usage accounting): DingTalk's registration is a billed call. */
  onCall?: PlatformCallObserver;
}

/**
 * Points every enabled channel's card callbacks at the API. DingTalk has an API for it (`card/callbacks/register`
 * with the callback route key and API secret), called for real on every start (it is idempotent). Feishu and Lark
 * have none: a developer pastes the URL into the console; in sandbox mode we do the same on the simulator's
 * control API. Failures are reported, never thrown: the API keeps serving either way.
 */
export async function registerCallbackUrls(input: RegisterCallbacksInput): Promise<CallbackRegistration[]> {
  return Promise.all(CHANNEL_KINDS.map((kind) => registerCallbackUrl(input, kind)));
}

/** One kind's registration, as registerCallbackUrls does it (also run when a channel is saved or enabled). */
export async function registerCallbackUrl(
  input: RegisterCallbacksInput,
  kind: ChannelKind,
): Promise<CallbackRegistration> {
  const url = `${input.callbackBaseUrl.replace(/\/+$/, '')}${callbackPath(kind)}`;
  try {
    const note = await registerOne(input, kind, url);
    return note === undefined ? { kind, url, status: 'registered' } : { kind, url, status: 'skipped', note };
  } catch (err) {
    // Provider errors carry codes and messages, never credentials.
    return { kind, url, status: 'failed', note: err instanceof Error ? err.message : String(err) };
  }
}

/** Registers one kind; returns why it was skipped, or undefined once registered. */
async function registerOne(input: RegisterCallbacksInput, kind: ChannelKind, url: string): Promise<string | undefined> {
  const stored = await input.channelSource.load(kind);
  if (!stored?.enabled) return 'channel not enabled';
  const config = stored.config as { appId?: unknown; callbackMode?: unknown; callbackRouteKey?: unknown };
  const stream = config.callbackMode === 'stream';
  if (kind === 'dingtalk' || kind === 'dingtalk-exclusive') {
    // In stream mode new cards call back over the connection; cards created before the switch keep their HTTP route.
    if (stream && config.callbackRouteKey === undefined) return 'stream mode: clicks arrive over the Stream connection';
    const provider = createDingtalkProvider(kind, stored.config, input.dispatcher, {
      ...(input.onCall && { onCall: input.onCall }),
    });
    await provider.registerCallback({ callbackUrl: url, signal: AbortSignal.timeout(10_000) });
    return undefined;
  }
  if (!input.simulatorUrl) {
    return stream
      ? `stream mode: choose 使用长连接接收回调 in the ${kind} developer console (事件与回调 > 回调配置)`
      : `paste ${url} into the ${kind} developer console (事件与回调 > 回调配置)`;
  }
  if (typeof config.appId !== 'string') return 'no appId in the channel config';
  await putSimulatorApp(input, kind, config.appId, { callbackUrl: url, callbackMode: stream ? 'ws' : 'http' });
  return undefined;
}

/** Sandbox only: what a developer does in the Feishu / Lark console (callback URL, 订阅方式), done on the simulator. */
async function putSimulatorApp(
  input: RegisterCallbacksInput,
  kind: ChannelKind,
  appId: string,
  settings: { callbackUrl: string; callbackMode: 'http' | 'ws' },
) {
  const sim = (input.simulatorUrl ?? '').replace(/\/+$/, '');
  const res = await request(`${sim}/_sim/apps/${kind}/${encodeURIComponent(appId)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
    dispatcher: input.dispatcher,
    signal: AbortSignal.timeout(10_000),
  });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`the simulator answered HTTP ${res.statusCode}`);
}
