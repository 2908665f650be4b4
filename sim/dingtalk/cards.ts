import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseJsonBody, type SimApp, type SimRequest, type SimResponse } from '../core/index.js';
import { guard, isResponse } from './auth.js';
import { deliverToGroup, isGroupCard } from './groups.js';
import { deliverySpaces, openSpaceFailure, spaceTypesOf, type Space } from './spaces.js';
import {
  CardData,
  checkParamMap,
  checkPrivate,
  messagesOf,
  PrivateData,
  stringMap,
  type SimCardInstance,
} from './store.js';
import { renderView } from './template.js';
import { apiFail, apiOk, type DingtalkSim } from './wire.js';

const DeliverModel = z.looseObject({ spaceType: z.string().optional(), robotCode: z.string().optional() });
const CreateBody = z.looseObject({
  cardTemplateId: z.string().optional(),
  outTrackId: z.string().optional(),
  callbackType: z.string().optional(),
  callbackRouteKey: z.string().optional(),
  cardData: CardData.optional(),
  privateData: PrivateData.optional(),
  openSpaceId: z.string().optional(),
  imRobotOpenSpaceModel: z.looseObject({ supportForward: z.boolean().optional() }).optional(),
  imRobotOpenDeliverModel: DeliverModel.optional(),
  imGroupOpenSpaceModel: z.looseObject({ supportForward: z.boolean().optional() }).optional(),
  imGroupOpenDeliverModel: DeliverModel.optional(),
  userIdType: z.number().optional(),
});
type CreateBody = z.infer<typeof CreateBody>;
const invalid = (code: string, message: string): SimResponse => apiFail(400, code, message);

/** The documented parameter errors, in the order the fields appear in the doc. */
function validateCreate(app: SimApp, body: CreateBody): SimResponse | Space[] {
  if (!body.cardTemplateId) return invalid('param.cardTemplateIdEmpty', 'cardTemplateId is empty');
  const templates = app.extra.cardTemplateIds;
  if (Array.isArray(templates) && !templates.includes(body.cardTemplateId)) {
    return invalid('param.templateNotExist', 'card template does not exist');
  }
  if (!body.outTrackId) return invalid('param.outTrackIdEmpty', 'outTrackId is empty');
  if (body.outTrackId.length > 100) return invalid('param.invalid', 'outTrackId is longer than 100 characters');
  if (!body.cardData) return invalid('param.cardPublicDataEmpty', 'cardData is empty');
  const mapProblem =
    checkParamMap(body.cardData.cardParamMap, 'cardData.cardParamMap') ?? checkPrivate(body.privateData);
  if (mapProblem) return invalid('param.invalid', mapProblem);
  if (body.callbackType !== undefined && !['HTTP', 'STREAM'].includes(body.callbackType)) {
    return invalid('param.invalid', 'callbackType must be HTTP or STREAM');
  }
  if ((body.userIdType ?? 1) !== 1)
    return invalid('param.invalid', 'the simulator supports userIdType 1 (userId) only');
  const spaces = deliverySpaces(body.openSpaceId);
  if (!Array.isArray(spaces)) return invalid(spaces.code, spaces.message);
  return openSpaceFailure(app, body, spaces) ?? spaces;
}

function newInstance(app: SimApp, body: CreateBody): SimCardInstance {
  const privateData = Object.fromEntries(
    Object.entries(body.privateData ?? {}).map(([userId, d]) => [userId, stringMap(d.cardParamMap)]),
  );
  return {
    appId: app.appId,
    outTrackId: body.outTrackId ?? '',
    cardTemplateId: body.cardTemplateId ?? '',
    callbackType: body.callbackType === 'STREAM' ? 'STREAM' : 'HTTP',
    ...(body.callbackRouteKey ? { callbackRouteKey: body.callbackRouteKey } : {}),
    publicData: stringMap(body.cardData?.cardParamMap),
    privateData,
    spaceTypes: spaceTypesOf(body),
    messageIds: [],
  };
}

export interface DeliverResult {
  spaceType: string;
  spaceId: string;
  success: boolean;
  carrierId?: string;
  errorMsg?: string;
}

/**
 * Delivers into one space: a robot chat here, a group chat in groups.ts. A user outside the org or the app's visible
 * range gets `success:false`. A space that already shows this instance keeps its one message (same carrierId): one
 * instance is one message per space.
 */
export function deliverTo(
  sim: DingtalkSim,
  app: SimApp,
  card: SimCardInstance,
  space: Space,
  single: boolean,
): DeliverResult {
  const base = { spaceType: space.type, spaceId: space.id };
  const fail = (errorMsg: string): DeliverResult => ({ ...base, success: false, errorMsg });
  if (!['IM_ROBOT', 'IM_GROUP'].includes(space.type)) return fail('the simulator delivers IM_ROBOT / IM_GROUP only');
  if (!card.spaceTypes.includes(space.type)) return fail(`the card has no ${space.type} space model`);
  if (space.type === 'IM_GROUP') return deliverToGroup(sim, app, card, space);
  const user = sim.core.users.byPlatformId(sim.edition, space.id);
  const status = user ? sim.core.users.statusOn(user, sim.edition) : 'unknown';
  if (!user || status === 'unknown') return fail('用户不存在 (user not found in the org)');
  if (status === 'resigned') return fail('用户已离职 (user has left the org)');
  if (status !== 'active') return fail('用户不在应用可见范围内 (user outside the visible range)');
  const existing = messagesOf(sim, card).find((m) => !isGroupCard(m) && m.recipientPlatformId === space.id);
  if (existing) return { ...base, success: true, carrierId: String(existing.meta.carrierId) };
  const carrierId = randomBytes(12).toString('hex');
  const message = sim.core.inbox.add({
    id: single ? card.outTrackId : `${card.outTrackId}:${space.id}`,
    platform: sim.edition,
    appId: app.appId,
    userId: user.id,
    recipientPlatformId: space.id,
    chatId: `cid${randomBytes(8).toString('hex')}`,
    msgType: 'interactiveCard',
    content: renderView(card, space.id),
    idempotencyKey: card.outTrackId,
    meta: { outTrackId: card.outTrackId, cardTemplateId: card.cardTemplateId, carrierId },
  });
  card.messageIds.push(message.id);
  return { ...base, success: true, carrierId };
}

/**
 * POST /v1.0/card/instances/createAndDeliver — one instance, delivered to every space of `openSpaceId` (`;`-separated,
 * ≤ 1,000 characters); `privateData` may name any user (it is kept for spaces delivered to later).
 */
export async function createAndDeliver(sim: DingtalkSim, req: SimRequest): Promise<SimResponse> {
  const app = await guard(sim, req, 'api', { api: 'send', billed: true });
  if (isResponse(app)) return app;
  const body = CreateBody.safeParse(parseJsonBody(req.rawBody));
  if (!body.success) return invalid('param.empty', 'request body is empty or not JSON');
  const spaces = validateCreate(app, body.data);
  if (!Array.isArray(spaces)) return spaces;
  if (sim.cards.get(app.appId, body.data.outTrackId ?? '')) {
    return invalid('param.cardAlreadyExist', 'card with this outTrackId already exists');
  }
  const card = newInstance(app, body.data);
  sim.cards.put(card);
  const deliverResults = spaces.map((space) => deliverTo(sim, app, card, space, spaces.length === 1));
  sim.core.quota.record(app);
  return apiOk({ success: true, result: { outTrackId: card.outTrackId, deliverResults } });
}
