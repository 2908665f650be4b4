import type { PlatformRoute, SimCore, SimRequest, SimResponse } from '../core/index.js';
import { accessToken, getToken } from './auth.js';
import { registerCallback } from './callbacks.js';
import { createAndDeliver } from './cards.js';
import { clickDingtalk } from './click.js';
import { getByMobile } from './contact.js';
import { deliverCard } from './deliver.js';
import { CardStore } from './store.js';
import { dingtalkStreamGateway, openConnection, streamPath } from './stream.js';
import { updateCard } from './update.js';
import type { DingtalkEdition, DingtalkSim } from './wire.js';

type Handler = (sim: DingtalkSim, req: SimRequest) => Promise<SimResponse>;

/** New API, served under `/<edition>/api` (stands in for https://api.dingtalk.com). */
const API: Record<string, Handler> = {
  'POST /v1.0/oauth2/accessToken': accessToken,
  'POST /v1.0/card/instances/createAndDeliver': createAndDeliver,
  'POST /v1.0/card/instances/deliver': deliverCard,
  'PUT /v1.0/card/instances': updateCard,
  'POST /v1.0/card/callbacks/register': registerCallback,
  'POST /v1.0/gateway/connections/open': openConnection,
};

/** Old API, served under `/<edition>/oapi` (stands in for https://oapi.dingtalk.com). */
const OAPI: Record<string, Handler> = {
  'GET /gettoken': getToken,
  'POST /topapi/v2/user/getbymobile': getByMobile,
};

function route(sim: DingtalkSim, table: Record<string, Handler>): PlatformRoute {
  return async (req) => {
    const handler = table[`${req.method} ${req.path.replace(/\/+$/, '')}`];
    return handler ? handler(sim, req) : undefined;
  };
}

/**
 * DingTalk Standard or Exclusive: the same wire format over separate app registries (reference §7). Registers the
 * click handler and the Stream gateway (`/<edition>/stream/connect`) for the edition and forgets card instances on
 * reset.
 */
export function createDingtalkRoutes(
  core: SimCore,
  edition: DingtalkEdition,
): { api: PlatformRoute; oapi: PlatformRoute } {
  const sim: DingtalkSim = { core, edition, cards: new CardStore() };
  core.onReset(() => sim.cards.clear());
  core.clicks.register(edition, (click) => clickDingtalk(sim, click));
  core.streams.register(streamPath(sim), dingtalkStreamGateway(sim));
  return { api: route(sim, API), oapi: route(sim, OAPI) };
}
