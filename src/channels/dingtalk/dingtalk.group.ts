import { ChannelError } from '../channel-error.js';
import { cardCallbackRoute } from './dingtalk.config.js';
import type { DingtalkClient } from './dingtalk.client.js';
import type { DingtalkConfig } from './dingtalk.config.js';
import { createAndDeliver, type InstanceContent } from './dingtalk.robot-cards.js';
import { DeliverReply, type DeliverResult } from './dingtalk.spaces.js';

const GROUP = 'IM_GROUP';

/** One instance for a group chat: an approval card (buttons with the approval's group nonce) or a notice. */
export interface GroupInstanceRequest {
  /** The group's openConversationId. */
  chatId: string;
  content: InstanceContent;
  /** The instance's outTrackId. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

/** `dtv1.card//IM_GROUP.<openConversationId>`: the group chat as a card space (create-and-deliver-cards, §3a). */
export function groupSpaceId(openConversationId: string): string {
  return `dtv1.card//${GROUP}.${openConversationId}`;
}

/**
 * What DingTalk said about the group's space. A top-level success can hide a space that did not get the card, so the
 * entry is read: `success:false` (no such group, the robot not in it) is final; no entry at all is TRANSIENT
 * (DingTalk did not say, and delivering the instance into the group again is harmless). A lone entry without
 * `spaceId` answers the lone space.
 */
export function assertGroupDelivered(openConversationId: string, entries: readonly DeliverResult[]): void {
  const [only] = entries;
  const entry =
    entries.find(
      (e) => e.spaceId === openConversationId && (e.spaceType === undefined || e.spaceType.toUpperCase() === GROUP),
    ) ?? (entries.length === 1 && only?.spaceId === undefined ? only : undefined);
  if (!entry) {
    throw new ChannelError('TRANSIENT', 'DingTalk reported no delivery result for the group chat', undefined, GROUP);
  }
  if (entry.success) return;
  const reason = entry.errorMsg ?? 'not delivered';
  // Non-retryable: the workflow records the group card as failed and, in `instead` mode, sends one-to-one cards.
  throw new ChannelError(
    'RECIPIENT_UNREACHABLE',
    `DingTalk did not deliver the card to group chat ${openConversationId}: ${reason}`,
    undefined,
    'deliverResults',
  );
}

/**
 * One approval card in an approvers' DingTalk group chat (IM_GROUP space): one instance, outTrackId = the request's
 * idempotency key, the same template, callback route and public data as the robot-chat card; its buttons carry the
 * approval's group nonce, and DingTalk's signed callback names the member who clicked. The group needs the app's
 * robot: `imGroupOpenDeliverModel.robotCode` is required there and, for an internal app's robot, is its AppKey
 * (reference §3a; the channel's `robotCode`). Updated like any instance, with `PUT card/instances`.
 */
export class DingtalkGroupCards {
  constructor(
    private readonly config: DingtalkConfig,
    private readonly client: DingtalkClient,
  ) {}

  /**
   * createAndDeliver into the group. A retry after a lost answer finds the instance (`param.cardAlreadyExist`) and
   * delivers it into the group again (card/instances/deliver) rather than assuming the first try reached it: the
   * group keeps one message either way.
   */
  async send(req: GroupInstanceRequest): Promise<{ cardRef: string }> {
    const outTrackId = req.idempotencyKey;
    const entries =
      (await this.createAndDeliver(outTrackId, req)) ?? (await this.deliver(outTrackId, req.chatId, req.signal));
    assertGroupDelivered(req.chatId, entries);
    return { cardRef: outTrackId };
  }

  private async createAndDeliver(outTrackId: string, req: GroupInstanceRequest): Promise<DeliverResult[] | undefined> {
    const { content } = req;
    const body = {
      cardTemplateId: this.config.cardTemplateId,
      outTrackId,
      ...cardCallbackRoute(this.config),
      // No privateData: every member sees the same card (an approval card's buttons carry the group nonce).
      cardData: { cardParamMap: content.params },
      openSpaceId: groupSpaceId(req.chatId),
      imGroupOpenSpaceModel: {
        supportForward: false,
        lastMessageI18n: { ZH_CN: content.title, EN_US: content.title },
      },
      imGroupOpenDeliverModel: { robotCode: this.config.robotCode },
      userIdType: 1,
    };
    return createAndDeliver(this.client, body, req.signal);
  }

  private async deliver(outTrackId: string, chatId: string, signal?: AbortSignal): Promise<DeliverResult[]> {
    const body = {
      outTrackId,
      openSpaceId: groupSpaceId(chatId),
      imGroupOpenDeliverModel: { robotCode: this.config.robotCode },
      userIdType: 1,
    };
    const reply = await this.client.api('POST', '/v1.0/card/instances/deliver', body, DeliverReply, signal);
    if (reply.success === false) throw new ChannelError('TRANSIENT', 'DingTalk card deliver answered success=false');
    return reply.result;
  }
}
