import { randomBytes } from 'node:crypto';
import type { SimApp, SimGroup, SimMessage } from '../core/index.js';
import type { DeliverResult } from './cards.js';
import { robotCodeOf, type Space } from './spaces.js';
import { messagesOf, type SimCardInstance } from './store.js';
import { renderView } from './template.js';
import type { DingtalkSim } from './wire.js';

/** DingTalk group messages carry `meta.group` like Feishu's (sim/feishu/messages.ts), and the group's id. */
export const isGroupCard = (message: SimMessage): boolean => message.meta.group === true;

/** The members of `group` who see what is posted there: sim users active on this edition. */
function activeMembers(sim: DingtalkSim, group: SimGroup) {
  return group.members.flatMap((id) => {
    const user = sim.core.users.get(id);
    const platformId = user?.ids[sim.edition];
    if (!user || !platformId || sim.core.users.statusOn(user, sim.edition) !== 'active') return [];
    return [{ user, platformId }];
  });
}

/**
 * Delivers the instance into a group conversation (`IM_GROUP.<openConversationId>`): the group must exist in the org
 * and have the app's robot in it, else this space gets `success:false` with an `errorMsg` (the call itself succeeds).
 * The one group message (one carrierId) shows in every active member's inbox, id `<outTrackId>:<cid>:<userId>`,
 * rendered with that member's private data. Delivering again keeps the message and its carrierId, and shows it to
 * members who joined since.
 */
export function deliverToGroup(sim: DingtalkSim, app: SimApp, card: SimCardInstance, space: Space): DeliverResult {
  const base = { spaceType: space.type, spaceId: space.id };
  const group = sim.core.groups.get(sim.edition, space.id);
  if (!group) return { ...base, success: false, errorMsg: '群会话不存在 (group conversation not found)' };
  if (!group.robots.includes(robotCodeOf(app))) {
    return { ...base, success: false, errorMsg: '机器人不在群内 (the robot is not a member of this group)' };
  }
  const shown = messagesOf(sim, card).filter((m) => isGroupCard(m) && m.chatId === group.id);
  const previous = shown[0]?.meta.carrierId;
  const carrierId = typeof previous === 'string' ? previous : randomBytes(12).toString('hex');
  for (const { user, platformId } of activeMembers(sim, group)) {
    if (shown.some((m) => m.userId === user.id)) continue;
    const message = sim.core.inbox.add({
      id: `${card.outTrackId}:${group.id}:${platformId}`,
      platform: sim.edition,
      appId: app.appId,
      userId: user.id,
      recipientPlatformId: platformId,
      chatId: group.id,
      msgType: 'interactiveCard',
      content: renderView(card, platformId),
      idempotencyKey: card.outTrackId,
      meta: {
        outTrackId: card.outTrackId,
        cardTemplateId: card.cardTemplateId,
        carrierId,
        group: true,
        groupName: group.name,
      },
    });
    card.messageIds.push(message.id);
  }
  return { ...base, success: true, carrierId };
}

/** Only a member of the group can press a button on its card (403 on the control API otherwise). */
export function groupClickRefusal(sim: DingtalkSim, message: SimMessage, userId: string): string | undefined {
  if (!isGroupCard(message)) return undefined;
  const group = sim.core.groups.get(sim.edition, message.chatId ?? '');
  if (group?.members.includes(userId)) return undefined;
  return `${userId} is not a member of ${sim.edition} group ${message.chatId ?? ''}`;
}
