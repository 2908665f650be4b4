/**
 * Shared cards in approvers' group chats (policy `groupChats`: Feishu / Lark chats, DingTalk IM_GROUP spaces): one
 * card per chat and approval, posted when the first approvers on that platform are known and updated once with the
 * outcome, so the chat costs two counted calls whatever the number of approvers. With `instead`, one-to-one cards on
 * that platform (DingTalk: the shared robot-chat card) are skipped while the group card is delivered. Without
 * `groupChats` nothing here runs a command, so saved histories replay.
 */
import { log, proxyActivities } from '@temporalio/workflow';
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { ChannelActivities, GroupCardActivities } from '../activities/contract.js';
import type { ApprovalCard } from '../domain/card.js';
import type { ChannelKind } from '../domain/channel-constants.js';
import { channelTaskQueue } from '../domain/channel-constants.js';
import { stableHash } from '../domain/ids.js';
import type { ApprovalPolicy, GroupChat } from '../domain/policy.js';
import type { GroupCard } from '../domain/state.js';
import { CHANNEL_OPTIONS, failureInfo } from './approval-activities.js';
import { addPlatformCalls } from './approval-calls.js';
import type { CardTarget } from './approval-cards.js';
import { cardFor, contentHash, sharedCardNonce } from './approval-cards.js';
import { settlingClick, shownByClickAnswer } from './approval-card-followups.js';
import { countCardFailed, countCardSent } from './approval-metrics.js';
import type { ApprovalBook } from './approval-rules.js';

// The one-to-one cards' options: codes no retry can fix (bot not in the chat, chat dissolved) stop at once, so the
// approvers get one-to-one cards instead.
type GroupChannel = ActivityInterfaceFor<GroupCardActivities & Pick<ChannelActivities, 'updateCard'>>;
const GROUP_KINDS: readonly GroupChat['kind'][] = ['feishu', 'lark', 'dingtalk', 'dingtalk-exclusive'];
const proxies = Object.fromEntries(
  GROUP_KINDS.map((kind) => [kind, proxyActivities({ ...CHANNEL_OPTIONS, taskQueue: channelTaskQueue(kind) })]),
) as Record<GroupChat['kind'], GroupChannel>;

/** Same shape as a one-to-one card key ('ab-' + 32 hex), so it fits Feishu's 50-char `uuid`. */
export function groupCardKey(workflowId: string, kind: ChannelKind, chatId: string): string {
  return `ab-${stableHash(`${workflowId}|group|${kind}|${chatId}`)}`;
}

function groupCardContent(book: ApprovalBook, card: GroupCard): ApprovalCard {
  return { ...cardFor(book, '', card.kind, card.level), nonce: sharedCardNonce(book.state.workflowId, card.kind) };
}

/**
 * Posts the group card of every chat whose platform now has approvers (once per approval), then returns the
 * one-to-one targets still to send: those on an `instead` platform are dropped while its group card is delivered.
 */
export async function sendGroupCards(
  book: ApprovalBook,
  policy: ApprovalPolicy,
  level: number,
  targets: CardTarget[],
): Promise<CardTarget[]> {
  const chats = policy.groupChats ?? [];
  if (chats.length === 0) return targets;
  const { state } = book;
  const cards = (state.groupCards ??= []);
  const due = chats.filter(
    (chat) =>
      !cards.some((c) => c.kind === chat.kind) &&
      state.recipients.some((r) => r.channels.some((c) => c.kind === chat.kind)),
  );
  await Promise.allSettled(due.map((chat) => postGroupCard(book, chat, level)));
  const covered = new Set(cards.filter((c) => c.mode === 'instead' && c.status === 'sent').map((c) => c.kind));
  return targets.filter((t) => !covered.has(t.kind));
}

async function postGroupCard(book: ApprovalBook, chat: GroupChat, level: number): Promise<void> {
  const { workflowId } = book.state;
  const card: GroupCard = {
    kind: chat.kind,
    chatId: chat.chatId,
    mode: chat.mode,
    level,
    status: 'pending',
    idempotencyKey: groupCardKey(workflowId, chat.kind, chat.chatId),
  };
  book.state.groupCards?.push(card);
  const input = { ...card, card: groupCardContent(book, card) };
  try {
    const sent = await proxies[chat.kind].sendGroupCard.executeWithOptions(
      { summary: `card to group chat ${chat.chatId} via ${chat.kind} (level ${level})` },
      [
        {
          kind: input.kind,
          chatId: input.chatId,
          card: input.card,
          idempotencyKey: input.idempotencyKey,
          ...(book.state.tenantReader && { reader: book.state.tenantReader }),
        },
      ],
    );
    addPlatformCalls(book.state, sent.calls);
    card.status = 'sent';
    card.cardRef = sent.cardRef;
    countCardSent(chat.kind);
  } catch (err) {
    card.status = 'failed';
    card.error = failureInfo(err);
    countCardFailed(chat.kind, card.error.code);
    log.warn('group card not delivered', { kind: chat.kind, chatId: chat.chatId, ...card.error });
  }
}

/**
 * Shows the outcome on every delivered group card: one update each, none for the card whose settling click's answer
 * already showed every member this outcome.
 */
export async function updateGroupCards(book: ApprovalBook): Promise<void> {
  const delivered = (book.state.groupCards ?? []).filter((c) => c.status === 'sent');
  const click = delivered.length > 0 ? settlingClick(book) : undefined;
  await Promise.allSettled(
    delivered.map(async (g) => {
      const reader = book.state.tenantReader;
      const recipient = {
        userId: `chat:${g.chatId}`,
        name: 'group chat',
        platformUserId: g.chatId,
        ...(reader && { reader }),
      };
      const input = { kind: g.kind, cardRef: g.cardRef ?? '', recipient, card: groupCardContent(book, g) };
      if (click && (await shownByClickAnswer(book, click, g, contentHash(input.card)))) {
        g.status = 'updated';
        g.shownByClickAnswer = true;
        return;
      }
      try {
        const updated = await proxies[g.kind].updateCard.executeWithOptions(
          { summary: `show ${book.state.status} in group chat ${g.chatId} via ${g.kind}` },
          [input],
        );
        addPlatformCalls(book.state, updated?.calls);
        g.status = 'updated';
      } catch (err) {
        g.status = 'update_failed';
        g.error = failureInfo(err);
      }
    }),
  );
}
