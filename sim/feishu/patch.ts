import { z } from 'zod';
import { parseJsonBody } from '../core/http.js';
import type { SimRequest, SimResponse } from '../core/route.js';
import { guard, isResponse } from './auth.js';
import { checkCard, isShared } from './cards.js';
import { fail, fieldViolation, invalidParam, ok, type FeishuSim } from './wire.js';

const PatchBody = z.object({ content: z.string().min(1) });
/** "5 QPS per single message" and "only messages sent within 14 days" (PATCH doc). */
const PATCH_PER_MESSAGE_PER_SECOND = 5;
const UPDATE_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

/** PATCH /open-apis/im/v1/messages/:message_id — only shared cards, within 14 days, 5 QPS per message. */
export async function patchMessage(sim: FeishuSim, req: SimRequest, messageId: string): Promise<SimResponse> {
  const app = await guard(sim, req, { api: 'update', billed: true });
  if (isResponse(app)) return app;
  const body = PatchBody.safeParse(parseJsonBody(req.rawBody));
  if (!body.success) return fieldViolation('content', 'content is required');
  const message = sim.core.inbox.get(sim.platform, messageId);
  if (!message || message.appId !== app.appId) return invalidParam('invalid message_id');
  // The go-lark issue #48 shows this exact answer for PATCHing a non-card message.
  if (message.msgType !== 'interactive') return invalidParam('This message is NOT a card');
  if (sim.core.clock.now() - message.createdAt > UPDATE_WINDOW_MS) {
    return fail(400, 230031, 'Message can only be modified within 14 days after sending.');
  }
  const perMessage = sim.core.limiter.hit(`${sim.platform}:patch:${message.id}`, PATCH_PER_MESSAGE_PER_SECOND);
  if (!perMessage.allowed) return fail(400, 230020, 'This operation triggers the frequency limit.');
  const check = checkCard(body.data.content);
  if (!check.ok) return fail(400, check.code, check.msg);
  // Doc: "update_multi": true must be declared in the config of both the old and the new card. The exact error
  // text for a non-shared card is not documented (UNCONFIRMED); 230001 is the documented "invalid parameter".
  if (!isShared(message.content as Record<string, unknown>) || !isShared(check.card)) {
    return invalidParam('only shared cards (config.update_multi = true, old and new) can be updated');
  }
  sim.core.inbox.update(message, check.card, 'update');
  message.meta.rawContent = body.data.content;
  sim.core.quota.record(app);
  return ok({}, 'ok');
}
