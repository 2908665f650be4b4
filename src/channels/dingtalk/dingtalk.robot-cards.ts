import { ChannelError } from '../channel-error.js';
import { cardCallbackRoute } from './dingtalk.config.js';
import type { ParamMap, PrivateData } from './dingtalk.card.js';
import type { DingtalkClient } from './dingtalk.client.js';
import type { DingtalkConfig } from './dingtalk.config.js';
import {
  chunkRobotSpaces,
  CreateAndDeliverReply,
  DeliverReply,
  type DeliverResult,
  failed,
  openSpaceId,
  spaceOutcomes,
  type SpaceOutcome,
} from './dingtalk.spaces.js';

const TOO_LONG = 'the userId is too long for an openSpaceId (1,000 characters)';

/** What a card instance shows: the template's public variables, and the title the chat list shows for it. */
export interface InstanceContent {
  params: ParamMap;
  title: string;
}

/**
 * One card instance delivered into robot chats (IM_ROBOT spaces), as many per call as one `openSpaceId` holds (about
 * 40): approval cards shared by every approver, and notices told to many people at once. Every space's result is
 * read and reported per recipient (a userId); a thrown ChannelError means no call of the delivery got through.
 */
export class DingtalkRobotCards {
  constructor(
    private readonly config: DingtalkConfig,
    private readonly client: DingtalkClient,
  ) {}

  /**
   * Creates the instance (outTrackId = the idempotency key) with the first chunk of spaces and delivers it to the rest.
   * A retry after a lost answer finds the instance (`param.cardAlreadyExist`) and delivers it to every space instead
   * of assuming the first try did: delivering again into a chat that has the card is harmless, skipping one is not.
   */
  async send(
    outTrackId: string,
    content: InstanceContent,
    data: PrivateData,
    userIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, SpaceOutcome>> {
    const { chunks, outcomes } = plan(userIds);
    const [first, ...rest] = chunks;
    if (!first) return outcomes;
    const entries = await this.createAndDeliver(outTrackId, content, data, first, signal);
    if (entries) merge(outcomes, spaceOutcomes(first, entries));
    else rest.unshift(first);
    // Once createAndDeliver has answered, a later chunk's final failure is partial: reported, not thrown.
    await this.deliverChunks(outTrackId, rest, outcomes, signal, entries === undefined);
    return outcomes;
  }

  /** Delivers an existing instance into more robot chats (card/instances/deliver, chunked); all-or-nothing on failure. */
  async deliver(
    outTrackId: string,
    userIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, SpaceOutcome>> {
    const { chunks, outcomes } = plan(userIds);
    await this.deliverChunks(outTrackId, chunks, outcomes, signal, true);
    return outcomes;
  }

  /**
   * createAndDeliver to the robot chats of `userIds`: their deliverResults, or undefined when the instance already
   * exists (`param.cardAlreadyExist`: an earlier try was processed and its answer lost).
   */
  private async createAndDeliver(
    outTrackId: string,
    content: InstanceContent,
    data: PrivateData,
    userIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<DeliverResult[] | undefined> {
    const body = {
      cardTemplateId: this.config.cardTemplateId,
      outTrackId,
      ...cardCallbackRoute(this.config),
      cardData: { cardParamMap: content.params },
      ...(Object.keys(data).length > 0 && { privateData: data }),
      openSpaceId: openSpaceId(userIds),
      imRobotOpenSpaceModel: {
        supportForward: false,
        lastMessageI18n: { ZH_CN: content.title, EN_US: content.title },
      },
      imRobotOpenDeliverModel: this.robotDeliverModel(),
      userIdType: 1,
    };
    return createAndDeliver(this.client, body, signal);
  }

  /** card/instances/deliver of an existing instance to the robot chats of `userIds` (one openSpaceId). */
  private async deliverOnce(
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
    const reply = await this.client.api('POST', '/v1.0/card/instances/deliver', body, DeliverReply, signal);
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
        merge(outcomes, spaceOutcomes(chunk, await this.deliverOnce(outTrackId, chunk, signal)));
        answered = true;
      } catch (err) {
        if (!(err instanceof ChannelError) || err.retryable || err.vendorCode === 'param.cardNotExist') throw err;
        finalError ??= err;
        for (const id of chunk) outcomes.set(id, failed(err.code, err.message));
      }
    }
    if (allOrNothing && !answered && finalError) throw finalError;
  }

  private robotDeliverModel(): { spaceType: 'IM_ROBOT'; robotCode: string } {
    return { spaceType: 'IM_ROBOT', robotCode: this.config.robotCode };
  }
}

/** Spaces in chunks that fit one openSpaceId; ids too long for any are failed up front. */
function plan(userIds: readonly string[]): { chunks: string[][]; outcomes: Map<string, SpaceOutcome> } {
  const { chunks, oversized } = chunkRobotSpaces(userIds);
  const outcomes = new Map<string, SpaceOutcome>(oversized.map((id) => [id, failed('INVALID_REQUEST', TOO_LONG)]));
  return { chunks, outcomes };
}

function merge(into: Map<string, SpaceOutcome>, from: ReadonlyMap<string, SpaceOutcome>): void {
  for (const [id, outcome] of from) into.set(id, outcome);
}

/**
 * POST card/instances/createAndDeliver: the spaces' deliverResults, or undefined when the instance already exists
 * (`param.cardAlreadyExist`: an earlier try was processed and its answer lost). Shared by robot chats and group chats.
 */
export async function createAndDeliver(
  client: DingtalkClient,
  body: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<DeliverResult[] | undefined> {
  try {
    const path = '/v1.0/card/instances/createAndDeliver';
    const reply = await client.api('POST', path, body, CreateAndDeliverReply, signal);
    if (reply.success === false) {
      throw new ChannelError('TRANSIENT', 'DingTalk createAndDeliver answered success=false');
    }
    return reply.result?.deliverResults ?? [];
  } catch (err) {
    if (err instanceof ChannelError && err.vendorCode === 'param.cardAlreadyExist') return undefined;
    throw err;
  }
}
