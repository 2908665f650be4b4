import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { StreamCallback } from '../../../channels/callback-stream.js';
import type { ChannelKind } from '../../../domain/channel.js';
import { withLogContext } from '../../../logging/log-context.js';
import { ApiMetrics } from '../../../metrics/api-metrics.js';
import { ApiError } from '../../common/api-error.js';
import { DingtalkCallbacksService } from '../dingtalk-callbacks.service.js';
import { FeishuCallbacksService } from '../feishu-callbacks.service.js';
import { CALLBACK_CONNECTIONS } from './callback-connections.module.js';
import type { CallbackConnections } from './callback-connections.js';

/**
 * Runs the callback connections for the API's lifetime and hands each callback that arrives over one to the same
 * service an HTTP callback reaches: one decision path (platform identity, nonce binding, one decision per event
 * id, the platform's deadline, the durable fallback), whichever way the click came.
 */
@Injectable()
export class StreamCallbacksService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CALLBACK_CONNECTIONS) private readonly connections: CallbackConnections,
    @Inject(DingtalkCallbacksService) private readonly dingtalk: DingtalkCallbacksService,
    @Inject(FeishuCallbacksService) private readonly feishu: FeishuCallbacksService,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.connections.start((kind, callback) => withLogContext({}, () => this.dispatch(kind, callback)));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connections.stop();
  }

  private async dispatch(kind: ChannelKind, callback: StreamCallback): Promise<Record<string, unknown>> {
    const started = performance.now();
    const done = (outcome: string) => this.metrics.observeCallback(kind, performance.now() - started, outcome);
    try {
      const answer =
        kind === 'dingtalk' || kind === 'dingtalk-exclusive'
          ? await this.dingtalk.handleStream(kind, callback.payload)
          : await this.feishu.handleStream(kind, callback.payload, {
              once: (_event, listener) => callback.onAnswered(listener),
            });
      done('answered');
      return answer;
    } catch (err) {
      done(err instanceof ApiError ? err.code : 'error');
      throw err;
    }
  }
}
