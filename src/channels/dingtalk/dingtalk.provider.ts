import { z } from 'zod';
import type {
  ChannelProvider,
  GroupCardProvider,
  GroupCardRequest,
  ReminderRequest,
  SendCardRequest,
  SharedCardDelivery,
  SharedCardProvider,
  SharedCardRecipient,
  SharedCardRequest,
  UpdateCardRequest,
} from '../provider.js';
import type { ApprovalCard } from '../../domain/card.js';
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
import {
  chunkRobotSpaces,
  DeliverResult,
  failed,
  openSpaceId,
  recipientResults,
  spaceOutcomes,
  type SpaceOutcome,
} from './dingtalk.spaces.js';

const GetByMobile = z.object({ result: z.object({ userid: z.string().min(1) }) });
const CreateAndDeliver = z.looseObject({
  success: z.boolean().optional(),
  result: z.looseObject({ deliverResults: z.array(DeliverResult).default([]) }).optional(),
});
const Deliver = z.looseObject({ success: z.boolean().optional(), result: z.array(DeliverResult).default([]) });
const Success = z.looseObject({ success: z.boolean().optional() });
const Registered = z.looseObject({
  result: z.looseObject({ callbackUrl: z.string().optional(), apiSecret: z.string().optional() }).optional(),
});
const NO_EMAIL_LOOKUP = 'DingTalk cannot look users up by email; add a mobile';
const MAX_CACHED_USERS = 10_000;
const TOO_LONG = 'the userId is too long for an openSpaceId (1,000 characters)';

/**
 * One provider for both editions: same API, own credentials and base URLs (reference §7). Approval cards are shared
 * (SharedCardProvider): one instance per approval, delivered into every recipient's robot chat, so one
 * `PUT card/instances` updates what everyone sees. A policy's group chat gets an instance of its own in the IM_GROUP
 * space (GroupCardProvider, dingtalk.group.ts), updated the same way.
 */
export class DingtalkProvider implements ChannelProvider, SharedCardProvider, GroupCardProvider {
  private readonly users = new Map<string, string>();
  private readonly groups: DingtalkGroupCards;

  constructor(
    readonly kind: DingtalkKind,
    private readonly config: DingtalkConfig,
    private readonly client: DingtalkClient,
  ) {
    this.groups = new DingtalkGroupCards(config, client);
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
    const key = req.idempotencyKey;
    const entries =
      (await this.createAndDeliver(key, req.card, privateData(req.card, userId), [userId], req.signal)) ??
      (await this.deliver(key, [userId], req.signal));
    const outcome = spaceOutcomes([userId], entries).get(userId);
    if (outcome?.error) {
      const code = outcome.error.code === 'TRANSIENT' ? 'TRANSIENT' : 'RECIPIENT_UNREACHABLE';
      throw new ChannelError(code, outcome.error.message, undefined, 'deliverResults');
    }
    return { cardRef: key };
  }

  /**
   * One createAndDeliver: the instance (outTrackId = the idempotency key) with every recipient's nonce in
   * `privateData`, delivered to as many robot chats as one `openSpaceId` holds; further recipients get the same
   * instance through card/instances/deliver (their private data is already on it). A retry after a lost answer finds
   * the instance (`param.cardAlreadyExist`) and delivers it to every space instead of assuming the first try did:
   * delivering again into a chat that has the card is harmless, skipping one that did not get it is not.
   */
  async sendSharedCard(req: SharedCardRequest): Promise<SharedCardDelivery> {
    const outTrackId = req.idempotencyKey;
    const { chunks, outcomes } = plan(req.recipients);
    const [first, ...rest] = chunks;
    if (first) {
      const data = recipientsPrivateData(withOwnNonce(req.card, req.recipients));
      const entries = await this.createAndDeliver(outTrackId, req.card, data, first, req.signal);
      if (entries) merge(outcomes, spaceOutcomes(first, entries));
      else rest.unshift(first);
      // Once createAndDeliver has answered, a later chunk's final failure is partial: reported, not thrown.
      await this.deliverChunks(outTrackId, rest, outcomes, req.signal, entries === undefined);
    }
    return { cardRef: outTrackId, results: recipientResults(req.recipients, outcomes) };
  }

  /**
   * Escalation: the existing instance into the new recipients' robot chats (card/instances/deliver, chunked), then one
   * `PUT card/instances` with the round's public content and the nonces of those who got it. card/instances/deliver
   * takes no privateData (delivery-card-interface; the SDK's DeliverCardRequest has none), and putting it first would
   * fail the whole call for one unknown userId (`param.userIdNotExist`). An instance that was never created (the
   * first round reached nobody) is created here with createAndDeliver.
   */
  async deliverSharedCard(req: SharedCardRequest & { cardRef: string }): Promise<SharedCardDelivery> {
    const { chunks, outcomes } = plan(req.recipients);
    try {
      await this.deliverChunks(req.cardRef, chunks, outcomes, req.signal, true);
    } catch (err) {
      if (!(err instanceof ChannelError) || err.vendorCode !== 'param.cardNotExist') throw err;
      return this.sendSharedCard({ ...req, idempotencyKey: req.cardRef });
    }
    const reached = req.recipients.filter((r) => outcomes.get(r.platformUserId)?.delivered);
    const needNonces = withOwnNonce(req.card, reached);
    if (needNonces.length > 0) await this.bindNonces(req.cardRef, req.card, needNonces, outcomes, req.signal);
    return { cardRef: req.cardRef, results: recipientResults(req.recipients, outcomes) };
  }

  /** One card in an approvers' group chat (`chatId` = its openConversationId); `updateCard` shows the outcome. */
  sendGroupCard(req: GroupCardRequest): Promise<{ cardRef: string }> {
    return this.groups.send(req);
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
   * createAndDeliver to the robot chats of `userIds`: their deliverResults, or undefined when the instance already
   * exists (`param.cardAlreadyExist`: an earlier try was processed and its answer lost).
   */
  private async createAndDeliver(
    outTrackId: string,
    card: ApprovalCard,
    data: PrivateData,
    userIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<DeliverResult[] | undefined> {
    const body = {
      cardTemplateId: this.config.cardTemplateId,
      outTrackId,
      callbackType: 'HTTP',
      callbackRouteKey: this.config.callbackRouteKey,
      // The public nonce serves recipients without private data (a shared card's one nonce); private data wins.
      cardData: { cardParamMap: { ...cardParamMap(card, this.config), nonce: card.nonce } },
      ...(Object.keys(data).length > 0 && { privateData: data }),
      openSpaceId: openSpaceId(userIds),
      imRobotOpenSpaceModel: {
        supportForward: false,
        lastMessageI18n: { ZH_CN: card.title, EN_US: card.title },
      },
      imRobotOpenDeliverModel: this.robotDeliverModel(),
      userIdType: 1,
    };
    try {
      const path = '/v1.0/card/instances/createAndDeliver';
      const reply = await this.client.api('POST', path, body, CreateAndDeliver, signal);
      if (reply.success === false) {
        throw new ChannelError('TRANSIENT', 'DingTalk createAndDeliver answered success=false');
      }
      return reply.result?.deliverResults ?? [];
    } catch (err) {
      if (err instanceof ChannelError && err.vendorCode === 'param.cardAlreadyExist') return undefined;
      throw err;
    }
  }

  /** card/instances/deliver of an existing instance to the robot chats of `userIds` (one openSpaceId). */
  private async deliver(
    outTrackId: string,
    userIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<DeliverResult[]> {
    const body = {
      outTrackId,
      openSpaceId: openSpaceId(userIds),
      imRobotOpenDeliverModel: this.robotDeliverModel(),
      userIdType: 1,
    };
    const reply = await this.client.api('POST', '/v1.0/card/instances/deliver', body, Deliver, signal);
    if (reply.success === false) throw new ChannelError('TRANSIENT', 'DingTalk card deliver answered success=false');
    return reply.result;
  }

  /**
   * Delivers chunk by chunk. A retryable failure is thrown (the activity retries the whole delivery, which is safe);
   * a final one (quota, permissions) is reported for that chunk's recipients, or thrown when no call of this
   * delivery got through (`allOrNothing`: the whole call failed).
   */
  private async deliverChunks(
    outTrackId: string,
    chunks: readonly string[][],
    outcomes: Map<string, SpaceOutcome>,
    signal: AbortSignal | undefined,
    allOrNothing: boolean,
  ): Promise<void> {
    let answered = false;
    let finalError: ChannelError | undefined;
    for (const chunk of chunks) {
      try {
        merge(outcomes, spaceOutcomes(chunk, await this.deliver(outTrackId, chunk, signal)));
        answered = true;
      } catch (err) {
        if (!(err instanceof ChannelError) || err.retryable || err.vendorCode === 'param.cardNotExist') throw err;
        finalError ??= err;
        for (const id of chunk) outcomes.set(id, failed(err.code, err.message));
      }
    }
    if (allOrNothing && !answered && finalError) throw finalError;
  }

  /**
   * Puts the nonces of newly reached recipients on the instance (with the round's public content). When that fails
   * for good, their cards are there but their buttons carry no nonce: reported as not delivered, with why.
   */
  private async bindNonces(
    outTrackId: string,
    card: ApprovalCard,
    reached: readonly SharedCardRecipient[],
    outcomes: Map<string, SpaceOutcome>,
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      await this.update(outTrackId, cardParamMap(card, this.config), signal, 'update', recipientsPrivateData(reached));
    } catch (err) {
      if (!(err instanceof ChannelError) || err.retryable) throw err;
      const message = `the card was delivered but its buttons could not be bound: ${err.message}`;
      for (const r of reached) outcomes.set(r.platformUserId, failed(err.code, message));
    }
  }

  private robotDeliverModel(): { spaceType: 'IM_ROBOT'; robotCode: string } {
    return { spaceType: 'IM_ROBOT', robotCode: this.config.robotCode };
  }
}

/**
 * Recipients whose buttons carry a nonce of their own (privateData). When every recipient shares the card's public
 * nonce (the workflow's per-approval card nonce; DingTalk's signed callback names the clicker), none need private
 * data, and an escalation is one deliver call with no PUT.
 */
function withOwnNonce(card: ApprovalCard, recipients: readonly SharedCardRecipient[]): SharedCardRecipient[] {
  return recipients.filter((r) => r.nonce !== card.nonce);
}

/** Spaces in chunks that fit one openSpaceId; ids too long for any are failed up front. */
function plan(recipients: readonly SharedCardRecipient[]): {
  chunks: string[][];
  outcomes: Map<string, SpaceOutcome>;
} {
  const { chunks, oversized } = chunkRobotSpaces(recipients.map((r) => r.platformUserId));
  const outcomes = new Map<string, SpaceOutcome>(oversized.map((id) => [id, failed('INVALID_REQUEST', TOO_LONG)]));
  return { chunks, outcomes };
}

function merge(into: Map<string, SpaceOutcome>, from: ReadonlyMap<string, SpaceOutcome>): void {
  for (const [id, outcome] of from) into.set(id, outcome);
}
