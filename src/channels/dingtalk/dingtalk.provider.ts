import { z } from 'zod';
import type {
  BatchNoticeProvider,
  ChannelProvider,
  GroupCardProvider,
  GroupCardRequest,
  GroupNoticeProvider,
  GroupNoticeRequest,
  NoticeBatchRequest,
  NoticeRequest,
  ReminderRequest,
  SendCardRequest,
  SharedCardDelivery,
  SharedCardProvider,
  SharedCardRecipient,
  SharedCardRequest,
  UpdateCardRequest,
} from '../provider.js';
import { isDefaultReader, type Reader } from '../../i18n/locale.js';
import type { ApprovalCard, SharedCardResult } from '../../domain/card.js';
import { ChannelError } from '../channel-error.js';
import type { DingtalkClient } from './dingtalk.client.js';
import type { DingtalkConfig, DingtalkKind } from './dingtalk.config.js';
import { DingtalkGroupCards } from './dingtalk.group.js';
import {
  cardParamMap,
  privateData,
  recipientsPrivateData,
  reminderText,
  type ParamMap,
  type PrivateData,
} from './dingtalk.card.js';
import { noticeContent, noticePrivateData } from './dingtalk.notice.js';
import { DingtalkRobotCards, type InstanceContent } from './dingtalk.robot-cards.js';
import { failed, recipientResults, type SpaceOutcome } from './dingtalk.spaces.js';

const GetByMobile = z.object({ result: z.object({ userid: z.string().min(1) }) });
const Success = z.looseObject({ success: z.boolean().optional() });
const Registered = z.looseObject({
  result: z.looseObject({ callbackUrl: z.string().optional(), apiSecret: z.string().optional() }).optional(),
});
const NO_EMAIL_LOOKUP = 'DingTalk cannot look users up by email; add a mobile';
const MAX_CACHED_USERS = 10_000;

/**
 * One provider for both editions: same API, own credentials and base URLs (reference §7). Approval cards are shared
 * (SharedCardProvider): one instance per approval, delivered into every recipient's robot chat, so one
 * `PUT card/instances` updates what everyone sees. A policy's group chat gets an instance of its own in the IM_GROUP
 * space (GroupCardProvider, dingtalk.group.ts), updated the same way.
 */
export class DingtalkProvider
  implements ChannelProvider, SharedCardProvider, GroupCardProvider, BatchNoticeProvider, GroupNoticeProvider
{
  private readonly users = new Map<string, string>();
  private readonly groups: DingtalkGroupCards;
  private readonly robots: DingtalkRobotCards;

  constructor(
    readonly kind: DingtalkKind,
    private readonly config: DingtalkConfig,
    private readonly client: DingtalkClient,
  ) {
    this.groups = new DingtalkGroupCards(config, client);
    this.robots = new DingtalkRobotCards(config, client);
  }

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

  /** A 1:1 card (one instance per recipient); the shared card below is what approvals use. */
  async sendCard(req: SendCardRequest): Promise<{ cardRef: string }> {
    const userId = req.recipient.platformUserId;
    const data = privateData(req.card, userId);
    const content = this.cardContent(req.card, req.recipient.reader);
    const outcomes = await this.robots.send(req.idempotencyKey, content, data, [userId], req.signal);
    throwIfNotDelivered(outcomes.get(userId));
    return { cardRef: req.idempotencyKey };
  }

  /**
   * One instance (outTrackId = the idempotency key) with every recipient's nonce in `privateData`, delivered into
   * every recipient's robot chat (DingtalkRobotCards: one call per ~40 recipients).
   */
  async sendSharedCard(req: SharedCardRequest): Promise<SharedCardDelivery> {
    const data = recipientsPrivateData(req.card, req.recipients);
    const userIds = req.recipients.map((r) => r.platformUserId);
    const outcomes = await this.robots.send(req.idempotencyKey, this.cardContent(req.card), data, userIds, req.signal);
    return { cardRef: req.idempotencyKey, results: recipientResults(req.recipients, outcomes) };
  }

  /**
   * Escalation: the existing instance into the new recipients' robot chats (card/instances/deliver, chunked), then one
   * `PUT card/instances` with the round's public content and the nonces of those who got it. card/instances/deliver
   * takes no privateData (delivery-card-interface; the SDK's DeliverCardRequest has none), and putting it first would
   * fail the whole call for one unknown userId (`param.userIdNotExist`). An instance that was never created (the
   * first round reached nobody) is created here with createAndDeliver.
   */
  async deliverSharedCard(req: SharedCardRequest & { cardRef: string }): Promise<SharedCardDelivery> {
    let outcomes: Map<string, SpaceOutcome>;
    try {
      outcomes = await this.robots.deliver(
        req.cardRef,
        req.recipients.map((r) => r.platformUserId),
        req.signal,
      );
    } catch (err) {
      if (!(err instanceof ChannelError) || err.vendorCode !== 'param.cardNotExist') throw err;
      return this.sendSharedCard({ ...req, idempotencyKey: req.cardRef });
    }
    const reached = req.recipients.filter((r) => outcomes.get(r.platformUserId)?.delivered);
    const needPrivate = withPrivateData(req.card, reached);
    if (needPrivate.length > 0) await this.bindPrivateData(req.cardRef, req.card, needPrivate, outcomes, req.signal);
    return { cardRef: req.cardRef, results: recipientResults(req.recipients, outcomes) };
  }

  /** A notice to one person: a card instance of its own in their robot chat, from the approval template. */
  async sendNotice(req: NoticeRequest): Promise<{ ref: string }> {
    const userId = req.recipient.platformUserId;
    const content = this.notice(req, req.recipient.reader);
    const outcomes = await this.robots.send(req.idempotencyKey, content, {}, [userId], req.signal);
    throwIfNotDelivered(outcomes.get(userId));
    return { ref: req.idempotencyKey };
  }

  /**
   * A notice to many people: one card instance (no buttons) delivered into each robot chat, about 40 per call, with
   * the outTrackId as idempotency key (robot oToMessages/batchSend reaches only 20 per call and has none, so a retry
   * after a lost answer would tell everyone twice).
   */
  async sendNoticeBatch(req: NoticeBatchRequest): Promise<{ ref: string; results: SharedCardResult[] }> {
    const userIds = req.recipients.map((r) => r.platformUserId);
    const data = noticePrivateData(req.notice, req.recipients);
    const outcomes = await this.robots.send(req.idempotencyKey, this.notice(req), data, userIds, req.signal);
    return { ref: req.idempotencyKey, results: recipientResults(req.recipients, outcomes) };
  }

  /** A notice in a group chat (`chatId` = its openConversationId): one IM_GROUP instance for every member. */
  async sendGroupNotice(req: GroupNoticeRequest): Promise<{ ref: string }> {
    const sent = await this.groups.send({ ...req, content: this.notice(req) });
    return { ref: sent.cardRef };
  }

  /** One card in an approvers' group chat (`chatId` = its openConversationId); `updateCard` shows the outcome. */
  sendGroupCard(req: GroupCardRequest): Promise<{ cardRef: string }> {
    return this.groups.send({ ...req, content: this.cardContent(req.card, req.reader) });
  }

  /**
   * The card in its new state: a 1:1 card in its recipient's language; a shared instance in the default language,
   * with each reader of another language or zone given theirs in private data (private wins in their view).
   */
  async updateCard(req: UpdateCardRequest): Promise<void> {
    const params = cardParamMap(req.card, this.config, req.recipient.reader);
    const data = req.readers?.length ? recipientsPrivateData(req.card, req.readers) : undefined;
    await this.update(req.cardRef, params, req.signal, 'update', data);
  }

  /**
   * Rewrites the card's `reminder` line: no second message in the chat and no second card to keep in sync. A card
   * update raises no push notification; a real nudge (robot oToMessages/batchSend) would cost one more call per
   * reminder against the 5,000-per-month Standard quota and leave a loose message beside the card.
   */
  async remind(req: ReminderRequest): Promise<void> {
    const reminder = reminderText(req.card, req.reminder, req.recipient.reader);
    const readers = req.readers ?? [];
    const data = Object.fromEntries(
      readers.map((r) => [
        r.platformUserId,
        { cardParamMap: { reminder: reminderText(req.card, req.reminder, r.reader) } },
      ]),
    );
    await this.update(req.cardRef, { reminder }, req.signal, 'reminder', readers.length > 0 ? data : undefined);
  }

  /**
   * Points callbackRouteKey at our callback URL. One key maps to one URL and the API double-checks overwrites: an
   * existing key answers 500 `param.callbackRouteKeyExist`, or (event-callback guide) 200 with the previous
   * registration; either way we compare and call again with forceUpdate:true.
   */
  async registerCallback(input: { callbackUrl: string; signal?: AbortSignal }): Promise<void> {
    const routeKey = this.config.callbackRouteKey;
    if (routeKey === undefined) throw new Error('no callbackRouteKey to register the callback URL under');
    const body = (forceUpdate: boolean) => ({
      callbackRouteKey: routeKey,
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
    data?: PrivateData,
  ): Promise<void> {
    const body = {
      outTrackId,
      cardData: { cardParamMap: params },
      ...(data && { privateData: data }),
      cardUpdateOptions: { updateCardDataByKey: true, ...(data && { updatePrivateDataByKey: true }) },
      userIdType: 1,
    };
    const reply = await this.client.api('PUT', '/v1.0/card/instances', body, Success, signal, usage);
    if (reply.success === false) throw new ChannelError('TRANSIENT', 'DingTalk card update answered success=false');
  }

  /**
   * Puts the private data of newly reached recipients on the instance (their nonce, our words in their language;
   * with the round's public content). When that fails for good, their cards are there but their buttons carry no
   * nonce: reported as not delivered, with why.
   */
  private async bindPrivateData(
    outTrackId: string,
    card: ApprovalCard,
    reached: readonly SharedCardRecipient[],
    outcomes: Map<string, SpaceOutcome>,
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      await this.update(
        outTrackId,
        cardParamMap(card, this.config),
        signal,
        'update',
        recipientsPrivateData(card, reached),
      );
    } catch (err) {
      if (!(err instanceof ChannelError) || err.retryable) throw err;
      const message = `the card was delivered but its buttons could not be bound: ${err.message}`;
      for (const r of reached) outcomes.set(r.platformUserId, failed(err.code, message));
    }
  }

  /** An approval card's instance content: the template's variables, with the public nonce (private data wins). */
  private cardContent(card: ApprovalCard, reader?: Reader): InstanceContent {
    return { params: { ...cardParamMap(card, this.config, reader), nonce: card.nonce }, title: card.title };
  }

  private notice(req: { notice: NoticeRequest['notice'] }, reader?: Reader): InstanceContent {
    return noticeContent(req.notice, this.config, reader);
  }
}

/**
 * Recipients who need private data: a nonce of their own, or a language and zone of their own. When every recipient
 * shares the card's public nonce (the workflow's per-approval card nonce; DingTalk's signed callback names the
 * clicker) and reads the default language, an escalation is one deliver call with no PUT.
 */
function withPrivateData(card: ApprovalCard, recipients: readonly SharedCardRecipient[]): SharedCardRecipient[] {
  return recipients.filter((r) => r.nonce !== card.nonce || !isDefaultReader(r.reader));
}

/** A 1:1 delivery's one space: delivered, or a ChannelError saying why not. */
function throwIfNotDelivered(outcome: SpaceOutcome | undefined): void {
  const error = (outcome ?? failed('TRANSIENT', 'DingTalk reported nothing for this space')).error;
  if (!error) return;
  const code = error.code === 'TRANSIENT' ? 'TRANSIENT' : 'RECIPIENT_UNREACHABLE';
  throw new ChannelError(code, error.message, undefined, 'deliverResults');
}
