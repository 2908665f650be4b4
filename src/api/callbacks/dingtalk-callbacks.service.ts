import { Inject, Injectable, Logger } from '@nestjs/common';
import { parseDingtalkConfig } from '../../channels/dingtalk/dingtalk.config.js';
import type { DingtalkConfig, DingtalkKind } from '../../channels/dingtalk/dingtalk.config.js';
import { SIGNATURE_HEADER, SIGNATURE_TIMESTAMP_HEADER } from '../../channels/dingtalk/dingtalk.sign.js';
import type { ChannelConfigSource } from '../../channels/registry.js';
import { header, rawBodyOf, verifiedOrLogged } from './callback-request.js';
import type { CallbackRequest } from './callback-request.js';
import { CALLBACK_CLOCK, CHANNEL_CONFIG_SOURCE } from './callbacks.tokens.js';
import type { CallbackClock } from './callbacks.tokens.js';
import { platformEventId } from './card-click.js';
import { CardClicksService } from './card-clicks.service.js';
import { enabledChannelConfig } from './channel-config.js';
import { readDingtalkCallback, readDingtalkStreamCallback, type DingtalkClick } from './dingtalk-callback.js';
import { dingtalkAnswer } from './platform-answers.js';

/** DingTalk gives up after 2 s ("请在 2 秒内完成业务处理并响应"): answer by 1.5 s. */
export const DINGTALK_ANSWER_BUDGET_MS = 1_500;

/** DingTalk card clicks, over HTTP (`x-ddpaas-signature` verified) or the Stream connection, to one decision path. */
@Injectable()
export class DingtalkCallbacksService {
  private readonly logger = new Logger('CardCallbacks');

  constructor(
    @Inject(CHANNEL_CONFIG_SOURCE) private readonly source: ChannelConfigSource,
    @Inject(CALLBACK_CLOCK) private readonly now: CallbackClock,
    @Inject(CardClicksService) private readonly clicks: CardClicksService,
  ) {}

  /** POST /callbacks/<kind>: the signature first, then the click. */
  async handle(kind: DingtalkKind, req: CallbackRequest): Promise<Record<string, unknown>> {
    const config = await this.config(kind);
    const headers = { timestamp: header(req, SIGNATURE_TIMESTAMP_HEADER), signature: header(req, SIGNATURE_HEADER) };
    const raw = rawBodyOf(req);
    const verify = () => readDingtalkCallback(raw, headers, config.apiSecret, this.now());
    return this.decide(kind, verifiedOrLogged(this.logger, kind, verify), config);
  }

  /** A callback frame's data from the Stream connection: the same click, the same decision path, the same answer. */
  async handleStream(kind: DingtalkKind, payload: unknown): Promise<Record<string, unknown>> {
    const config = await this.config(kind);
    return this.decide(kind, readDingtalkStreamCallback(payload, config.corpId), config);
  }

  private config(kind: DingtalkKind) {
    return enabledChannelConfig(this.source, kind, (raw) => parseDingtalkConfig(kind, raw));
  }

  private async decide(kind: DingtalkKind, callback: DingtalkClick, config: DingtalkConfig) {
    const { params } = callback;
    const click = {
      kind,
      eventId: platformEventId(kind, callback.eventId),
      platformUserId: callback.userId,
      tenant: params.tenant,
      ticketId: params.ticketId,
      action: params.action,
      nonce: params.nonce,
    };
    const answer = await this.clicks.handle(click, DINGTALK_ANSWER_BUDGET_MS);
    return dingtalkAnswer(answer, config);
  }
}
