import { Logger } from '@nestjs/common';
import { Agent } from 'undici';
import {
  DEFAULT_BACKOFF,
  StreamSupervisor,
  type BackoffOptions,
  type StreamCallback,
  type StreamStatus,
} from '../../../channels/callback-stream.js';
import { callbackStreamOf, type ChannelConfigSource } from '../../../channels/registry.js';
import { CHANNEL_KINDS, type ChannelKind } from '../../../domain/channel.js';
import type { ApiMetrics } from '../../../metrics/api-metrics.js';

/** Hands one callback that arrived over a connection to the decision path; the answer goes back over it. */
export type StreamDispatch = (kind: ChannelKind, callback: StreamCallback) => Promise<Record<string, unknown>>;

export interface CallbackConnectionsOptions {
  source: ChannelConfigSource;
  /**
   * How often every replica re-reads the channels: a channel switched to stream mode, or given new credentials, on
   * another replica is connected (or reconnected) within this. The replica that saved it does so at once.
   */
  refreshMs: number;
  backoff?: BackoffOptions;
  metrics?: ApiMetrics;
}

/**
 * The API's callback connections: one per channel in stream mode (DingTalk Stream, Feishu / Lark long connection).
 * They live in the API process because the decision path does (Temporal client, the answered-click cache, the
 * platform's deadline); every replica connects, and the platform hands each callback to one of them.
 */
export class CallbackConnections {
  private readonly logger = new Logger('CallbackStream');
  private readonly live = new Map<ChannelKind, { version: string; supervisor: StreamSupervisor }>();
  private readonly dispatcher = new Agent();
  private dispatch: StreamDispatch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly options: CallbackConnectionsOptions) {}

  start(dispatch: StreamDispatch): void {
    this.dispatch = dispatch;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs);
    this.timer.unref();
  }

  /** Re-reads the channels and opens, replaces or closes connections to match; one refresh at a time. */
  refresh(): Promise<void> {
    this.pending = this.pending
      .then(() => this.reconcile())
      .catch((err: unknown) => {
        this.logger.error(`could not read the channels: ${err instanceof Error ? err.message : String(err)}`);
      });
    return this.pending;
  }

  status(kind: ChannelKind): StreamStatus | undefined {
    return this.live.get(kind)?.supervisor.status();
  }

  statuses(): Partial<Record<ChannelKind, StreamStatus>> {
    return Object.fromEntries([...this.live].map(([kind, { supervisor }]) => [kind, supervisor.status()]));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.dispatch = undefined;
    await this.pending;
    await Promise.all([...this.live.keys()].map((kind) => this.close(kind)));
    await this.dispatcher.close();
  }

  private async reconcile(): Promise<void> {
    if (!this.dispatch) return;
    for (const kind of CHANNEL_KINDS) {
      const stored = await this.options.source.load(kind);
      const current = this.live.get(kind);
      let opener;
      try {
        opener = stored ? callbackStreamOf(stored, this.dispatcher) : undefined;
      } catch {
        // The config no longer validates (the API refuses to store such a config; an old row may): name no value.
        this.logger.error(`${kind}: the stored config is invalid, so no callback connection is kept`);
      }
      if (!opener || !stored) {
        if (current) await this.close(kind);
        continue;
      }
      if (current?.version === stored.version) continue;
      if (current) await this.close(kind);
      this.open(kind, stored.version, opener);
    }
  }

  private open(kind: ChannelKind, version: string, opener: NonNullable<ReturnType<typeof callbackStreamOf>>): void {
    const metrics = this.options.metrics;
    const dispatch = (callback: StreamCallback) => {
      if (!this.dispatch) throw new Error('the API is shutting down');
      return this.dispatch(kind, callback);
    };
    const supervisor = new StreamSupervisor(
      opener,
      dispatch,
      {
        connected: (status) => {
          this.logger.log(
            `${kind}: callback connection open${status.reconnects ? ` (reconnect ${status.reconnects})` : ''}`,
          );
          metrics?.streamConnected(kind, true, status.reconnects > 0);
        },
        disconnected: (reason, retryInMs) => {
          this.logger.warn(`${kind}: callback connection down (${reason}); retrying in ${Math.round(retryInMs)} ms`);
          metrics?.streamConnected(kind, false, false);
        },
        ignored: (reason) => {
          this.logger.warn(`${kind}: ignored a frame on the callback connection: ${reason}`);
          metrics?.streamFrame(kind, 'ignored');
        },
        received: () => metrics?.streamFrame(kind, 'received'),
      },
      this.options.backoff ?? DEFAULT_BACKOFF,
    );
    this.live.set(kind, { version, supervisor });
    this.logger.log(`${kind}: opening the callback connection (stream mode)`);
    supervisor.start();
  }

  private async close(kind: ChannelKind): Promise<void> {
    const current = this.live.get(kind);
    if (!current) return;
    this.live.delete(kind);
    await current.supervisor.stop();
    this.options.metrics?.streamConnected(kind, false, false);
    this.logger.log(`${kind}: callback connection closed (the channel no longer uses stream mode)`);
  }
}
