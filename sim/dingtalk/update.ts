import { z } from 'zod';
import { parseJsonBody, type SimRequest, type SimResponse } from '../core/index.js';
import { guard, isResponse } from './auth.js';
import { CardData, checkParamMap, checkPrivate, messagesOf, PrivateData, stringMap } from './store.js';
import { mergeParams, renderView } from './template.js';
import { apiFail, apiOk, type DingtalkSim } from './wire.js';

const UpdateBody = z.looseObject({
  outTrackId: z.string().optional(),
  cardData: CardData.optional(),
  privateData: PrivateData.optional(),
  cardUpdateOptions: z
    .looseObject({ updateCardDataByKey: z.boolean().optional(), updatePrivateDataByKey: z.boolean().optional() })
    .optional(),
});

const invalid = (code: string, message: string): SimResponse => apiFail(400, code, message);

/** PUT /v1.0/card/instances — default overwrite; `updateCardDataByKey` merges (interactive-card-update-interface). */
export async function updateCard(sim: DingtalkSim, req: SimRequest): Promise<SimResponse> {
  const app = await guard(sim, req, 'api', { api: 'update', billed: true });
  if (isResponse(app)) return app;
  const parsed = UpdateBody.safeParse(parseJsonBody(req.rawBody));
  if (!parsed.success) return invalid('param.empty', 'request body is empty or not JSON');
  const body = parsed.data;
  if (!body.outTrackId) return invalid('param.outTrackIdEmpty', 'outTrackId is empty');
  if (!body.cardData && !body.privateData) return invalid('param.cardDataAndPrivateDataBothEmpty', 'nothing to update');
  const problem = checkParamMap(body.cardData?.cardParamMap, 'cardData.cardParamMap') ?? checkPrivate(body.privateData);
  if (problem) return invalid('param.invalid', problem);
  const card = sim.cards.get(app.appId, body.outTrackId);
  if (!card) return invalid('param.cardNotExist', 'card does not exist');
  const unknown = Object.keys(body.privateData ?? {}).find((id) => !sim.core.users.byPlatformId(sim.edition, id));
  if (unknown) return invalid('param.userIdNotExist', `userId ${unknown} does not exist`);
  const options = body.cardUpdateOptions ?? {};
  const publicNext = body.cardData ? stringMap(body.cardData.cardParamMap) : undefined;
  card.publicData = mergeParams(card.publicData, publicNext, options.updateCardDataByKey);
  for (const [userId, data] of Object.entries(body.privateData ?? {})) {
    card.privateData[userId] = mergeParams(
      card.privateData[userId] ?? {},
      stringMap(data.cardParamMap),
      options.updatePrivateDataByKey,
    );
  }
  for (const message of messagesOf(sim, card))
    sim.core.inbox.update(message, renderView(card, message.recipientPlatformId), 'update');
  sim.core.quota.record(app);
  return apiOk({ success: true, result: true });
}
