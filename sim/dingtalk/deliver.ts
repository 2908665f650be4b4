import { z } from 'zod';
import { parseJsonBody, type SimRequest, type SimResponse } from '../core/index.js';
import { guard, isResponse } from './auth.js';
import { deliverTo } from './cards.js';
import { deliverModelFailure, deliverySpaces } from './spaces.js';
import { apiFail, apiOk, type DingtalkSim } from './wire.js';

const DeliverModel = z.looseObject({ spaceType: z.string().optional(), robotCode: z.string().optional() });
const DeliverBody = z.looseObject({
  outTrackId: z.string().optional(),
  openSpaceId: z.string().optional(),
  imRobotOpenDeliverModel: DeliverModel.optional(),
  imGroupOpenDeliverModel: DeliverModel.optional(),
  userIdType: z.number().optional(),
});

const invalid = (code: string, message: string): SimResponse => apiFail(400, code, message);

/**
 * POST /v1.0/card/instances/deliver (delivery-card-interface) — an existing instance into more spaces (robot chats,
 * groups): `{outTrackId, openSpaceId, im*OpenDeliverModel, userIdType}`, no card data and no privateData (the SDK's
 * DeliverCardRequest has neither; set a new recipient's private data with PUT card/instances). Answers
 * `{success:true, result:[{spaceType, spaceId, success, carrierId | errorMsg}]}`, one entry per space, with the same
 * per-space failures as createAndDeliver; a space that already shows the card keeps its one message.
 */
export async function deliverCard(sim: DingtalkSim, req: SimRequest): Promise<SimResponse> {
  const app = await guard(sim, req, 'api', { api: 'deliver', billed: true });
  if (isResponse(app)) return app;
  const parsed = DeliverBody.safeParse(parseJsonBody(req.rawBody));
  if (!parsed.success) return invalid('param.empty', 'request body is empty or not JSON');
  const body = parsed.data;
  if (!body.outTrackId) return invalid('param.outTrackIdEmpty', 'outTrackId is empty');
  if ((body.userIdType ?? 1) !== 1)
    return invalid('param.invalid', 'the simulator supports userIdType 1 (userId) only');
  const spaces = deliverySpaces(body.openSpaceId);
  if (!Array.isArray(spaces)) return invalid(spaces.code, spaces.message);
  const modelProblem = deliverModelFailure(app, body, spaces);
  if (modelProblem) return modelProblem;
  const card = sim.cards.get(app.appId, body.outTrackId);
  if (!card) return invalid('param.cardNotExist', 'card does not exist');
  const result = spaces.map((space) => deliverTo(sim, app, card, space, false));
  sim.core.quota.record(app);
  return apiOk({ success: true, result });
}
