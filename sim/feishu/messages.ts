import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SimApp } from '../core/apps.js';
import { parseJsonBody } from '../core/http.js';
import { Inbox, type SimMessage } from '../core/inbox.js';
import type { SimRequest, SimResponse } from '../core/route.js';
import type { SimUser } from '../core/users.js';
import { guard, isResponse } from './auth.js';
import { checkCard, TEXT_MAX_BYTES } from './cards.js';
import { fail, fieldViolation, invalidParam, ok, type FeishuSim } from './wire.js';

const SendBody = z.object({
  receive_id: z.string().min(1),
  msg_type: z.string().min(1),
  content: z.string().min(1),
  uuid: z.string().max(50, 'the max len is 50').optional(),
});
const ReplyBody = SendBody.omit({ receive_id: true }).extend({ reply_in_thread: z.boolean().optional() });
const ReceiveIdType = z.enum(['open_id', 'union_id', 'user_id', 'email', 'chat_id']);

/** Same `uuid` within 1 hour → at most one message (doc); the repeat answers with the first message. */
const UUID_WINDOW_MS = 60 * 60 * 1000;
/** "5 QPS to the same user" and "5 QPS per group". */
const PER_TARGET_PER_SECOND = 5;

function chatId(sim: FeishuSim, app: SimApp, user: SimUser): string {
  return `oc_${createHash('sha256').update(`${sim.platform}:${app.appId}:${user.id}`).digest('hex').slice(0, 32)}`;
}

function findRecipient(sim: FeishuSim, app: SimApp, type: z.infer<typeof ReceiveIdType>, id: string) {
  const users = sim.core.users;
  if (type === 'open_id') return users.byPlatformId(sim.platform, id);
  if (type === 'email') return users.byEmail(id);
  if (type === 'user_id') return users.get(id);
  if (type === 'union_id') return users.list().find((u) => `on_${(u.ids[sim.platform] ?? '').slice(3)}` === id);
  return users.list().find((u) => chatId(sim, app, u) === id);
}

/** The documented IM answer when the user can't get messages from this bot, if any. */
function unreachable(sim: FeishuSim, user: SimUser | undefined): SimResponse | undefined {
  const status = user ? sim.core.users.statusOn(user, sim.platform) : 'unknown';
  if (status === 'unknown') return fail(400, 230034, 'The receive_id is invalid.');
  if (status === 'out_of_scope') return fail(400, 230013, 'Bot has NO availability to this user.');
  if (status === 'resigned') return fail(400, 230029, 'User has resigned.');
  if (status === 'blocked') return fail(400, 230053, 'The user has stopped the bot from sending messages.');
  return undefined;
}

/** Parse `content` for its msg_type; answers the documented error when it is not acceptable. */
function parseContent(msgType: string, content: string): { content: unknown } | SimResponse {
  if (msgType === 'interactive') {
    const check = checkCard(content);
    return check.ok ? { content: check.card } : fail(400, check.code, check.msg);
  }
  if (Buffer.byteLength(content, 'utf8') > TEXT_MAX_BYTES) {
    return fail(400, 230025, 'The length of the message content reaches its limit.');
  }
  const parsed = parseJsonBody(Buffer.from(content, 'utf8'));
  if (msgType === 'text' && typeof (parsed as { text?: unknown } | undefined)?.text !== 'string') {
    return invalidParam('invalid text content');
  }
  return parsed === undefined ? invalidParam('content is not json') : { content: parsed };
}

export function messageData(message: SimMessage, app: SimApp): Record<string, unknown> {
  return {
    message_id: message.id,
    ...(message.parentId ? { root_id: message.parentId, parent_id: message.parentId } : {}),
    msg_type: message.msgType,
    create_time: String(message.createdAt),
    update_time: String(message.updatedAt),
    deleted: false,
    updated: message.history.some((h) => h.source !== 'send'),
    chat_id: message.chatId,
    sender: { id: app.appId, id_type: 'app_id', sender_type: 'app', tenant_key: app.tenantKey },
    body: { content: message.meta.rawContent },
  };
}

/** Where a message lands: one user's chat with the bot, or a group chat (`userId` is then the chat id). */
interface Target {
  userId: string;
  recipientPlatformId: string;
  chatId: string;
  /** Feishu: "5 QPS to the same user", "5 QPS per group shared by all bots in the group". */
  limitKey: string;
}

function userTarget(sim: FeishuSim, app: SimApp, user: SimUser): Target {
  const openId = user.ids[sim.platform] ?? '';
  return { userId: user.id, recipientPlatformId: openId, chatId: chatId(sim, app, user), limitKey: `user:${openId}` };
}

/**
 * Group chats: any `oc_…` id that is not a user's chat with the bot is a group the bot is in, whose members are
 * every user active on this platform (sim/README.md). Its messages are filed under the chat id as `userId`.
 */
const GROUP_CHAT_ID = /^oc_[A-Za-z0-9]{8,64}$/;
export const isGroupMessage = (message: SimMessage): boolean => message.meta.group === true;

function groupTarget(id: string): Target | undefined {
  if (!GROUP_CHAT_ID.test(id)) return undefined;
  return { userId: id, recipientPlatformId: id, chatId: id, limitKey: `chat:${id}` };
}

interface Delivery {
  app: SimApp;
  target: Target;
  msgType: string;
  rawContent: string;
  uuid: string | undefined;
  parentId?: string;
}

/** Shared by create and reply: per-user limit, content checks, idempotent delivery into the inbox. */
function deliver(sim: FeishuSim, d: Delivery): SimResponse {
  const scope = `${sim.platform}:${d.app.appId}:uuid`;
  const previous = d.uuid ? sim.core.idempotency.get<string>(scope, d.uuid) : undefined;
  const replay = previous ? sim.core.inbox.get(sim.platform, previous) : undefined;
  if (replay) return ok(messageData(replay, d.app));
  const perTarget = sim.core.limiter.hit(`${sim.platform}:${d.app.appId}:${d.target.limitKey}`, PER_TARGET_PER_SECOND);
  if (!perTarget.allowed) return fail(400, 230020, 'This operation triggers the frequency limit.');
  const parsed = parseContent(d.msgType, d.rawContent);
  if ('status' in parsed) return parsed;
  const message = sim.core.inbox.add({
    id: Inbox.newId('om_'),
    platform: sim.platform,
    appId: d.app.appId,
    userId: d.target.userId,
    recipientPlatformId: d.target.recipientPlatformId,
    chatId: d.target.chatId,
    msgType: d.msgType,
    content: parsed.content,
    ...(d.parentId ? { parentId: d.parentId } : {}),
    ...(d.uuid ? { idempotencyKey: d.uuid } : {}),
    meta: { rawContent: d.rawContent, ...(d.target.limitKey.startsWith('chat:') ? { group: true } : {}) },
  });
  if (d.uuid) sim.core.idempotency.put(scope, d.uuid, message.id, UUID_WINDOW_MS);
  sim.core.quota.record(d.app);
  return ok(messageData(message, d.app));
}

/** POST /open-apis/im/v1/messages?receive_id_type=... */
export async function createMessage(sim: FeishuSim, req: SimRequest): Promise<SimResponse> {
  const app = await guard(sim, req, { api: 'send', billed: true });
  if (isResponse(app)) return app;
  const type = ReceiveIdType.safeParse(req.query.get('receive_id_type'));
  if (!type.success) return fieldViolation('receive_id_type', 'receive_id_type is required');
  const body = SendBody.safeParse(parseJsonBody(req.rawBody));
  if (!body.success) return fieldViolation(String(body.error.issues[0]?.path[0]), body.error.issues[0]?.message ?? '');
  const { receive_id: receiveId, msg_type: msgType, content: rawContent, uuid } = body.data;
  const user = findRecipient(sim, app, type.data, receiveId);
  const group = !user && type.data === 'chat_id' ? groupTarget(receiveId) : undefined;
  if (group?.chatId.startsWith('oc_nobot')) return fail(400, 230002, 'Bot is not in the chat.');
  if (group) return deliver(sim, { app, target: group, msgType, rawContent, uuid });
  const refusal = unreachable(sim, user);
  if (refusal || !user) return refusal ?? fail(400, 230034, 'The receive_id is invalid.');
  return deliver(sim, { app, target: userTarget(sim, app, user), msgType, rawContent, uuid });
}

/** POST /open-apis/im/v1/messages/:message_id/reply — a reply lands in the chat of the message it answers. */
export async function replyMessage(sim: FeishuSim, req: SimRequest, messageId: string): Promise<SimResponse> {
  const app = await guard(sim, req, { api: 'reply', billed: true });
  if (isResponse(app)) return app;
  const body = ReplyBody.safeParse(parseJsonBody(req.rawBody));
  if (!body.success) return fieldViolation(String(body.error.issues[0]?.path[0]), body.error.issues[0]?.message ?? '');
  const parent = sim.core.inbox.get(sim.platform, messageId);
  if (!parent || parent.appId !== app.appId) return invalidParam('invalid message_id');
  const { msg_type: msgType, content: rawContent, uuid } = body.data;
  const group = isGroupMessage(parent) ? groupTarget(parent.userId) : undefined;
  if (group) return deliver(sim, { app, target: group, msgType, rawContent, uuid, parentId: parent.id });
  const user = sim.core.users.get(parent.userId);
  const refusal = unreachable(sim, user);
  if (refusal || !user) return refusal ?? invalidParam('invalid message_id');
  return deliver(sim, { app, target: userTarget(sim, app, user), msgType, rawContent, uuid, parentId: parent.id });
}
