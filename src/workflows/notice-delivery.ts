/**
 * The delivery rounds of one notice: group chats first, then each person on their channels, one round per fallback.
 * Every send records its own delivery; a failed one is never retried past the activity's policy but falls back to the
 * person's next channel (`one-channel`). Platforms that tell many people in one call get one send per round.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { NoticeChannelActivities } from '../activities/contract.js';
import type { ChannelKind } from '../domain/channel-constants.js';
import { CHANNEL_KINDS, channelTaskQueue, SHARED_CARD_KINDS } from '../domain/channel-constants.js';
import type { NoticeCard, NoticeGroupMessage, NoticeSpec, NoticeState } from '../domain/notice-state.js';
import { addCallTally } from '../domain/platform-calls.js';
import { CHANNEL_OPTIONS, failureInfo } from './approval-activities.js';
import {
  batchNoticeKey,
  coveredKinds,
  groupNoticeKey,
  newNoticeDelivery,
  targetsForRound,
  type NoticeTarget,
} from './notice-book.js';

/** Platforms that tell many people with one call: one card instance into every robot chat (DingTalk). */
export const BATCH_NOTICE_KINDS: readonly ChannelKind[] = SHARED_CARD_KINDS;

/** A person has at most one channel per platform, so four rounds try every channel they have. */
const MAX_ROUNDS = CHANNEL_KINDS.length;

// Each platform's notices run on its own queue with its cards: the same server-side rate limit and pacing.
const channels = Object.fromEntries(
  CHANNEL_KINDS.map((kind) => [
    kind,
    proxyActivities<NoticeChannelActivities>({ ...CHANNEL_OPTIONS, taskQueue: channelTaskQueue(kind) }),
  ]),
) as Record<ChannelKind, ActivityInterfaceFor<NoticeChannelActivities>>;

export async function deliverNotice(state: NoticeState, spec: NoticeSpec, card: NoticeCard): Promise<void> {
  await Promise.allSettled(spec.groupChats.map((chat) => postToGroup(state, chat, card)));
  const covered = coveredKinds(state);
  const rounds = spec.deliverTo === 'every-channel' ? 1 : MAX_ROUNDS;
  for (let round = 1; round <= rounds; round++) {
    const targets = targetsForRound(state, spec.deliverTo, round, covered);
    if (targets.length === 0) break;
    await sendRound(state, card, targets, round);
  }
}

async function postToGroup(state: NoticeState, chat: NoticeSpec['groupChats'][number], card: NoticeCard) {
  const message: NoticeGroupMessage = {
    kind: chat.kind,
    chatId: chat.chatId,
    mode: chat.mode,
    status: 'pending',
    idempotencyKey: groupNoticeKey(state.workflowId, chat.kind, chat.chatId),
  };
  state.groupMessages.push(message);
  try {
    const sent = await channels[chat.kind].sendGroupNotice.executeWithOptions(
      { summary: `${state.label} notice to group chat ${chat.chatId} via ${chat.kind}` },
      [{ kind: chat.kind, chatId: chat.chatId, notice: card, idempotencyKey: message.idempotencyKey }],
    );
    addCallTally(state.platformCalls, sent.calls);
    Object.assign(message, { status: 'sent', ref: sent.ref });
  } catch (err) {
    Object.assign(message, { status: 'failed', error: failureInfo(err) });
  }
}

/** One round: a batch per batch platform, one send per person elsewhere, all at once. */
async function sendRound(state: NoticeState, card: NoticeCard, targets: NoticeTarget[], round: number) {
  const sends = targets.map((target) => {
    const delivery = newNoticeDelivery(state.workflowId, target, round);
    state.deliveries.push(delivery);
    return { target, delivery };
  });
  const batched = (kind: ChannelKind) => BATCH_NOTICE_KINDS.includes(kind);
  const batchKinds = [...new Set(targets.map((t) => t.kind).filter(batched))];
  await Promise.allSettled([
    ...sends.filter((s) => !batched(s.target.kind)).map((s) => sendOne(state, card, s)),
    ...batchKinds.map((kind) =>
      sendBatch(
        state,
        card,
        kind,
        sends.filter((s) => s.target.kind === kind),
        round,
      ),
    ),
  ]);
}

type Send = { target: NoticeTarget; delivery: NoticeState['deliveries'][number] };

async function sendOne(state: NoticeState, card: NoticeCard, { target, delivery }: Send) {
  const { reader } = target.recipient;
  const recipient = {
    userId: target.recipient.userId,
    name: target.recipient.name,
    platformUserId: target.platformUserId,
    ...(reader && { reader }),
  };
  try {
    const sent = await channels[target.kind].sendNotice.executeWithOptions(
      { summary: `${state.label} notice to ${recipient.name} via ${target.kind} (round ${delivery.round})` },
      [{ kind: target.kind, recipient, notice: card, idempotencyKey: delivery.idempotencyKey }],
    );
    addCallTally(state.platformCalls, sent.calls);
    Object.assign(delivery, { status: 'sent', ref: sent.ref });
  } catch (err) {
    Object.assign(delivery, { status: 'failed', error: failureInfo(err) });
  }
}

async function sendBatch(state: NoticeState, card: NoticeCard, kind: ChannelKind, sends: Send[], round: number) {
  const idempotencyKey = batchNoticeKey(state.workflowId, kind, round);
  for (const { delivery } of sends) Object.assign(delivery, { idempotencyKey, batched: true });
  const recipients = sends.map(({ target }) => ({
    userId: target.recipient.userId,
    name: target.recipient.name,
    platformUserId: target.platformUserId,
    ...(target.recipient.reader && { reader: target.recipient.reader }),
  }));
  try {
    const sent = await channels[kind].sendNoticeBatch.executeWithOptions(
      { summary: `${state.label} notice to ${sends.length} people via ${kind} (round ${round})` },
      [{ kind, recipients, notice: card, idempotencyKey }],
    );
    addCallTally(state.platformCalls, sent.calls);
    const results = new Map(sent.results.map((r) => [r.platformUserId, r]));
    for (const { target, delivery } of sends) {
      const result = results.get(target.platformUserId);
      if (result?.delivered) Object.assign(delivery, { status: 'sent', ref: sent.ref });
      else {
        const error = result?.error ?? { code: 'NOT_DELIVERED', message: `${kind} reported nothing for this person` };
        Object.assign(delivery, { status: 'failed', ref: sent.ref, error });
      }
    }
  } catch (err) {
    const error = failureInfo(err);
    for (const { delivery } of sends) Object.assign(delivery, { status: 'failed', error });
  }
}
