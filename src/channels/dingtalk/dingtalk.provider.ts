import { z } from 'zod';
import type { ChannelProvider, ReminderRequest, SendCardRequest, UpdateCardRequest } from '../provider.js';
import { ChannelError } from '../channel-error.js';
import type { DingtalkClient } from './dingtalk.client.js';
import type { DingtalkConfig, DingtalkKind } from './dingtalk.config.js';
import { cardParamMap, privateData, reminderText, type ParamMap } from './dingtalk.card.js';

const GetByMobile = z.object({ result: z.object({ userid: z.string().min(1) }) });
const DeliverResult = z.looseObject({
  spaceId: z.string().optional(),
  success: z.boolean(),
  errorMsg: z.string().optional(),
});
const CreateAndDeliver = z.looseObject({
  success: z.boolean().optional(),
  result: z.looseObject({ deliverResults: z.array(DeliverResult).default([]) }).optional(),
});
const Success = z.looseObject({ success: z.boolean().optional() });
const Registered = z.looseObject({
  result: z.looseObject({ callbackUrl: z.string().optional(), apiSecret: z.string().optional() }).optional(),
});
const NO_EMAIL_LOOKUP = 'DingTalk cannot look users up by email; add a mobile';
const MAX_CACHED_USERS = 10_000;

/** One provider for both editions: same API, own credentials and base URLs (reference §7). */
export class DingtalkProvider implements ChannelProvider {
  private readonly users = new Map<string, string>();

  constructor(
    readonly kind: DingtalkKind,
    private readonly config: DingtalkConfig,
    private readonly client: DingtalkClient,
  ) {}

  /**
   * By mobile only. The docs have no email lookup (checked: the doc crawl and the contact APIs; users/search matches
   * names only), and listing every department to match `email` costs one call per 100 users and needs the sensitive
   * email permission, so an email-only contact is reported unreachable with what to fix.
   */
  async resolveUser(contact: { mobile?: string; email?: string }, signal?: AbortSignal): Promise<string> {
    if (!contact.mobile) throw new ChannelError('RECIPIENT_UNREACHABLE', NO_EMAIL_LOOKUP);
    const cached = this.users.get(contact.mobile);
    if (cached) return cached;
    const found = await this.client.oapi(
      '/topapi/v2/user/getbymobile',
      { mobile: contact.mobile },
      GetByMobile,
      signal,
    );
    if (this.users.size >= MAX_CACHED_USERS) this.users.clear();
    this.users.set(contact.mobile, found.result.userid);
    return found.result.userid;
  }

  async sendCard(req: SendCardRequest): Promise<{ cardRef: string }> {
    const userId = req.recipient.platformUserId;
    const body = {
      cardTemplateId: this.config.cardTemplateId,
      outTrackId: req.idempotencyKey,
      callbackType: 'HTTP',
      callbackRouteKey: this.config.callbackRouteKey,
      cardData: { cardParamMap: cardParamMap(req.card, this.config) },
      privateData: privateData(req.card, userId),
      openSpaceId: `dtv1.card//IM_ROBOT.${userId}`,
      imRobotOpenSpaceModel: {
        supportForward: false,
        lastMessageI18n: { ZH_CN: req.card.title, EN_US: req.card.title },
      },
      imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: this.config.robotCode },
      userIdType: 1,
    };
    try {
      const reply = await this.client.api(
        'POST',
        '/v1.0/card/instances/createAndDeliver',
        body,
        CreateAndDeliver,
        req.signal,
      );
      checkDelivered(reply);
    } catch (err) {
      // One outTrackId is one card: a retry after a lost answer finds the card already there, which is success.
      if (!(err instanceof ChannelError) || err.vendorCode !== 'param.cardAlreadyExist') throw err;
    }
    return { cardRef: req.idempotencyKey };
  }

  async updateCard(req: UpdateCardRequest): Promise<void> {
    await this.update(req.cardRef, cardParamMap(req.card, this.config), req.signal);
  }

  /**
   * Rewrites the card's `reminder` line: no second message in the chat and no second card to keep in sync. A card
   * update raises no push notification; a real nudge (robot oToMessages/batchSend) would cost one more call per
   * reminder against the 5,000-per-month Standard quota and leave a loose message beside the card.
   */
  async remind(req: ReminderRequest): Promise<void> {
    await this.update(req.cardRef, { reminder: reminderText(req.card, req.reminder) }, req.signal, 'reminder');
  }

  /**
   * Points callbackRouteKey at our callback URL. One key maps to one URL and the API double-checks overwrites: an
   * existing key answers 500 `param.callbackRouteKeyExist`, or (event-callback guide) 200 with the previous
   * registration; either way we compare and call again with forceUpdate:true.
   */
  async registerCallback(input: { callbackUrl: string; signal?: AbortSignal }): Promise<void> {
    const body = (forceUpdate: boolean) => ({
      callbackRouteKey: this.config.callbackRouteKey,
      callbackUrl: input.callbackUrl,
      ...(this.config.apiSecret ? { apiSecret: this.config.apiSecret } : {}),
      forceUpdate,
    });
    const path = '/v1.0/card/callbacks/register';
    try {
      const { result } = await this.client.api('POST', path, body(false), Registered, input.signal);
      const secret = this.config.apiSecret;
      const sameSecret = !secret || result?.apiSecret === undefined || result.apiSecret === secret;
      if (!result?.callbackUrl || (result.callbackUrl === input.callbackUrl && sameSecret)) return;
    } catch (err) {
      if (!(err instanceof ChannelError) || err.vendorCode !== 'param.callbackRouteKeyExist') throw err;
    }
    await this.client.api('POST', path, body(true), Registered, input.signal);
  }

  private async update(
    outTrackId: string,
    params: ParamMap,
    signal?: AbortSignal,
    usage: 'update' | 'reminder' = 'update',
  ): Promise<void> {
    const body = { outTrackId, cardData: { cardParamMap: params }, cardUpdateOptions: { updateCardDataByKey: true } };
    const reply = await this.client.api('PUT', '/v1.0/card/instances', body, Success, signal, usage);
    if (reply.success === false) throw new ChannelError('TRANSIENT', 'DingTalk card update answered success=false');
  }
}

/** A top-level success can hide a space that did not get the card: every deliverResults entry must succeed. */
function checkDelivered(reply: z.infer<typeof CreateAndDeliver>): void {
  if (reply.success === false) throw new ChannelError('TRANSIENT', 'DingTalk createAndDeliver answered success=false');
  const failed = reply.result?.deliverResults.find((r) => !r.success);
  if (failed) {
    const reason = failed.errorMsg ?? 'not delivered';
    throw new ChannelError(
      'RECIPIENT_UNREACHABLE',
      `DingTalk did not deliver the card: ${reason}`,
      undefined,
      'deliverResults',
    );
  }
}
