import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent } from 'undici';
import type { PlatformCallObserver } from '../../channels/call-observer.js';
import { createChannelRegistry, staticChannelSource } from '../../channels/registry.js';
import type { UsageRecorder } from '../../usage/usage-recorder.js';
import type { ChannelRecord } from '../../db/channels.repo.js';
import { STORE } from '../../db/database.module.js';
import { cachedResolution } from '../../db/db-ports.js';
import type { Store } from '../../db/store.js';
import { CHANNEL_KINDS, type ChannelKind } from '../../domain/channel.js';
import { ApiError } from '../common/api-error.js';
import type { HttpResult } from '../common/http-result.js';
import { storeCall } from '../common/store-errors.js';
import { registerCallbackUrl } from '../../service/callback-registration.js';
import { CALLBACK_CONNECTIONS } from '../callbacks/stream/callback-connections.module.js';
import type { CallbackConnections } from '../callbacks/stream/callback-connections.js';
import { withStreamDrain } from './stream-drain.js';
import { describeFailure, fetchAccessToken, sendTestCard } from './channel-check.js';
import type {
  ChannelList,
  ChannelTestRequest,
  ChannelTestResult,
  ChannelView,
  PutChannelRequest,
  RotateSecretsResult,
} from './channels.schemas.js';

export const CHANNELS_SETTINGS = Symbol('CHANNELS_SETTINGS');
export interface ChannelsSettings {
  /** Public base URL of the API: platforms POST card clicks to `<base>/callbacks/<kind>`. */
  callbackBaseUrl: string;
  /** Sandbox mode: the simulator's URL, whose control API stands in for the Feishu / Lark consoles. */
  simulatorUrl?: string;
  /** Counts the platform calls the API makes (credential checks, test cards, callback registration) per app. */
  usage?: UsageRecorder;
}

// Platform calls of a credentials check are few and short; a stuck platform must not hold the request long.
const CHECK_TIMEOUT_MS = 10_000;

/** Channel configs over the store: secrets go in sealed and never come out of the API. */
@Injectable()
export class ChannelsService implements OnApplicationShutdown {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(CHANNELS_SETTINGS) private readonly settings: ChannelsSettings,
    @Inject(CALLBACK_CONNECTIONS) private readonly connections: CallbackConnections,
  ) {}

  /** The last counted calls reach the database before the API stops. */
  async onApplicationShutdown(): Promise<void> {
    await this.settings.usage?.flush();
  }

  async list(): Promise<ChannelList> {
    const stored = new Map((await this.store.channels.list()).map((c) => [c.kind, c]));
    return { channels: CHANNEL_KINDS.map((kind) => this.view(kind, stored.get(kind))) };
  }

  async get(kind: ChannelKind): Promise<ChannelView> {
    return this.view(kind, await this.store.channels.get(kind));
  }

  async put(kind: ChannelKind, body: PutChannelRequest): Promise<HttpResult<ChannelView>> {
    if (body.kind !== kind) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `Invalid request: kind: "${body.kind}" does not match the path (${kind})`,
        [{ path: 'kind', message: `must be "${kind}", as in the path` }],
      );
    }
    const previous = await storeCall(() => this.store.channels.load(kind));
    const config = withStreamDrain(kind, previous?.config, body.config, new Date());
    const { record, created } = await storeCall(() => this.store.channels.put(kind, config, body.enabled));
    // This replica connects (or disconnects) at once; the others within CALLBACK_STREAM_REFRESH_MS.
    await this.connections.refresh();
    return { status: created ? 201 : 200, body: await this.registered(this.view(kind, record)) };
  }

  async setEnabled(kind: ChannelKind, enabled: boolean): Promise<ChannelView> {
    const record = await storeCall(() => this.store.channels.setEnabled(kind, enabled), 'CHANNEL_NOT_CONFIGURED');
    await this.connections.refresh();
    return this.registered(this.view(kind, record));
  }

  /**
   * An enabled channel's card callbacks are pointed at this API at once (DingTalk's register API), as at startup:
   * without it, clicks on a channel set up over the API would reach nobody until the next restart. The config is
   * stored either way; the view says how the registration went.
   */
  private async registered(view: ChannelView): Promise<ChannelView> {
    if (!view.enabled) return view;
    const dispatcher = new Agent({ headersTimeout: CHECK_TIMEOUT_MS, bodyTimeout: CHECK_TIMEOUT_MS });
    try {
      const input = {
        channelSource: { load: (k: ChannelKind) => this.store.channels.load(k) },
        callbackBaseUrl: this.settings.callbackBaseUrl,
        ...(this.settings.simulatorUrl !== undefined && { simulatorUrl: this.settings.simulatorUrl }),
        dispatcher,
        ...this.onCall(),
      };
      const { status, note } = await registerCallbackUrl(input, view.kind);
      return { ...view, callbackRegistration: { status, ...(note !== undefined && { note }) } };
    } finally {
      await dispatcher.close();
    }
  }

  /** Checks the stored credentials (token fetch) and, for a named user, sends them a test card. Works disabled too. */
  async test(kind: ChannelKind, body: ChannelTestRequest): Promise<ChannelTestResult> {
    const stored = await storeCall(() => this.store.channels.load(kind));
    if (!stored) throw new ApiError('CHANNEL_NOT_CONFIGURED', `channel ${kind} is not configured`);
    const user = body.userId !== undefined ? await this.store.users.get(body.userId) : undefined;
    if (body.userId !== undefined && !user) throw new ApiError('USER_NOT_FOUND', `no user ${body.userId}`);
    const dispatcher = new Agent({ headersTimeout: CHECK_TIMEOUT_MS, bodyTimeout: CHECK_TIMEOUT_MS });
    try {
      const credentials = await fetchAccessToken(kind, stored.config, dispatcher).then(
        () => ({ ok: true }),
        (err: unknown) => ({ ok: false, error: describeFailure(err) }),
      );
      const result: ChannelTestResult = { kind, ok: credentials.ok, credentials };
      if (!user || !credentials.ok) return user ? { ...result, card: { ok: false, userId: user.id } } : result;
      const registry = createChannelRegistry(
        staticChannelSource([{ ...stored, enabled: true }]),
        dispatcher,
        this.onCall(),
      );
      // The id it resolves is cached like the worker's, so the user's page shows it.
      const provider = await cachedResolution(registry, this.store.platformIds).get(kind);
      result.card = await sendTestCard(provider, user, new Date()).then(
        (sent) => ({ ok: true, userId: user.id, ...sent }),
        (err: unknown) => ({ ok: false, userId: user.id, error: describeFailure(err) }),
      );
      return { ...result, ok: result.card.ok };
    } finally {
      await dispatcher.close();
    }
  }

  private onCall(): { onCall?: PlatformCallObserver } {
    return this.settings.usage ? { onCall: this.settings.usage.observer } : {};
  }

  async rotateSecrets(): Promise<RotateSecretsResult> {
    const resealed = await storeCall(() => this.store.channels.rotateSecrets());
    return { activeKeyId: this.store.box.activeKeyId, resealed };
  }

  private view(kind: ChannelKind, record: ChannelRecord | undefined): ChannelView {
    const callbackUrl = `${this.settings.callbackBaseUrl.replace(/\/+$/, '')}/callbacks/${kind}`;
    if (!record) {
      const notice = `not configured: PUT /v1/channels/${kind} with its config; it notifies nobody until then`;
      return { kind, configured: false, enabled: false, config: {}, secrets: {}, version: 0, callbackUrl, notice };
    }
    const connection = this.connections.status(kind);
    return {
      kind,
      configured: true,
      enabled: record.enabled,
      ...(connection && { callbackConnection: connection }),
      config: record.config,
      secrets: record.secrets,
      version: record.version,
      updatedAt: record.updatedAt.toISOString(),
      callbackUrl,
      ...(record.enabled ? {} : { notice: `disabled: notifies nobody until POST /v1/channels/${kind}/enable` }),
    };
  }
}
