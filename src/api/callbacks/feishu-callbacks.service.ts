import { Inject, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { parseFeishuConfig } from '../../channels/feishu/feishu.config.js';
import type { FeishuButtonValue } from '../../channels/feishu/feishu.card.js';
import type { FeishuKind, ResolvedFeishuConfig } from '../../channels/feishu/feishu.config.js';
import type { ChannelConfigSource } from '../../channels/registry.js';
import { DecisionKind } from '../../domain/approval.js';
import { ApiError } from '../common/api-error.js';
import { header, rawBodyOf, verifiedOrLogged } from './callback-request.js';
import type { CallbackRequest } from './callback-request.js';
import { CALLBACK_CLOCK, CHANNEL_CONFIG_SOURCE } from './callbacks.tokens.js';
import type { CallbackClock } from './callbacks.tokens.js';
import { platformEventId } from './card-click.js';
import { CardClicksService } from './card-clicks.service.js';
import { enabledChannelConfig } from './channel-config.js';
import { readFeishuCallback, readFeishuStreamCallback, type FeishuAction } from './feishu-callback.js';
import { feishuAnswer } from './platform-answers.js';

/** Feishu waits 3 s for the answer, then shows the clicker an error (200341): keep half a second in hand. */
export const FEISHU_ANSWER_BUDGET_MS = 2_500;

/**
 * An answer carrying the clicker's final card counts as shown (and its update is skipped) only if it was written
 * within this time of the click, by our clock and by the platform's: a full second of the 3 s stays for the network.
 */
export const FEISHU_ANSWER_SHOWN_MS = 2_000;

/** The response, to learn when the answer has been written (Express's response is one). */
export interface AnswerSink {
  once(event: 'finish', listener: () => void): unknown;
}

/** What our buttons carry (src/channels/feishu/feishu.card.ts `FeishuButtonValue`). */
const ButtonValue = z.object({
  t: z.string().min(1).max(64),
  tn: z.string().min(1).max(63),
  a: DecisionKind,
  n: z.string().min(1).max(64),
}) satisfies z.ZodType<FeishuButtonValue>;

/** Feishu / Lark card clicks, over HTTP (verified) or the long connection, to one decision path. */
@Injectable()
export class FeishuCallbacksService {
  private readonly logger = new Logger('CardCallbacks');

  constructor(
    @Inject(CHANNEL_CONFIG_SOURCE) private readonly source: ChannelConfigSource,
    @Inject(CALLBACK_CLOCK) private readonly now: CallbackClock,
    @Inject(CardClicksService) private readonly clicks: CardClicksService,
  ) {}

  /** POST /callbacks/<kind>: signature / token first, then the url_verification challenge or the click. */
  async handle(kind: FeishuKind, req: CallbackRequest, res?: AnswerSink): Promise<Record<string, unknown>> {
    const received = Date.now();
    const config = await this.config(kind);
    const headers = {
      timestamp: header(req, 'x-lark-request-timestamp'),
      nonce: header(req, 'x-lark-request-nonce'),
      signature: header(req, 'x-lark-signature'),
    };
    const raw = rawBodyOf(req);
    const callback = verifiedOrLogged(this.logger, kind, () => readFeishuCallback(raw, headers, config, this.now()));
    if (callback.type === 'challenge') return { challenge: callback.challenge };
    return this.decide(kind, callback, config, received, res);
  }

  /** A callback from the long connection: the same click, the same decision path, the same answer. */
  async handleStream(kind: FeishuKind, payload: unknown, sink: AnswerSink): Promise<Record<string, unknown>> {
    const received = Date.now();
    const config = await this.config(kind);
    return this.decide(kind, readFeishuStreamCallback(payload, config, this.now()), config, received, sink);
  }

  private config(kind: FeishuKind) {
    return enabledChannelConfig(this.source, kind, (raw) => parseFeishuConfig(kind, raw));
  }

  private async decide(
    kind: FeishuKind,
    callback: FeishuAction,
    config: ResolvedFeishuConfig,
    received: number,
    sink: AnswerSink | undefined,
  ): Promise<Record<string, unknown>> {
    if (callback.type === 'ignored') return {};
    const value = ButtonValue.safeParse(callback.value);
    if (!value.success) throw new ApiError('BAD_REQUEST', 'The button value is not an approval action');
    const { t: ticketId, tn: tenant, a: action, n: nonce } = value.data;
    const eventId = platformEventId(kind, callback.eventId);
    // The answer's card replaces the clicked card (ours are shared cards, `update_multi`) only if we know which one.
    const answerShowsCard = callback.messageId !== undefined;
    const click = { kind, eventId, platformUserId: callback.openId, tenant, ticketId, action, nonce, answerShowsCard };
    const answer = await this.clicks.handle(click, FEISHU_ANSWER_BUDGET_MS);
    const { card } = answer;
    if (card && callback.messageId !== undefined && sink) {
      const shown = { eventId, kind, cardRef: callback.messageId, card };
      sink.once('finish', () => {
        const inTime = Date.now() - received <= FEISHU_ANSWER_SHOWN_MS;
        if (inTime && this.now() - callback.sentAt <= FEISHU_ANSWER_SHOWN_MS)
          void this.clicks.confirmShown(click, shown);
      });
    }
    const options = config.consoleBaseUrl ? { consoleBaseUrl: config.consoleBaseUrl } : {};
    return feishuAnswer(answer, callback.legacy, options);
  }
}
