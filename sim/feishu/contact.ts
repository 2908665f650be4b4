import { z } from 'zod';
import { parseJsonBody } from '../core/http.js';
import type { SimRequest, SimResponse } from '../core/route.js';
import type { SimUser } from '../core/users.js';
import { guard, isResponse } from './auth.js';
import { fieldViolation, ok, type FeishuSim } from './wire.js';

const BatchGetIdBody = z.object({
  emails: z.array(z.string()).max(50).optional(),
  mobiles: z.array(z.string()).max(50).optional(),
  include_resigned: z.boolean().optional(),
});

const UserIdType = z.enum(['open_id', 'union_id', 'user_id']);
type UserIdType = z.infer<typeof UserIdType>;

/** The id of a user in the requested id type; union_id / user_id are derived from the sim's ids. */
export function idOfType(sim: FeishuSim, user: SimUser, type: UserIdType): string {
  const openId = user.ids[sim.platform] ?? '';
  if (type === 'open_id') return openId;
  if (type === 'union_id') return `on_${openId.slice(3)}`;
  return user.id;
}

function entry(sim: FeishuSim, user: SimUser | undefined, type: UserIdType, includeResigned: boolean) {
  const status = user ? sim.core.users.statusOn(user, sim.platform) : 'unknown';
  // Doc: user_id is omitted (no error) for unknown users, resigned users (unless include_resigned) and users the
  // app may not see; blocked-the-bot and outside-the-bot's-availability users are still visible in contacts.
  if (!user || status === 'unknown' || (status === 'resigned' && !includeResigned)) return {};
  const resigned = status === 'resigned';
  return {
    user_id: idOfType(sim, user, type),
    status: { is_frozen: false, is_resigned: resigned, is_activated: !resigned, is_exited: resigned, is_unjoin: false },
  };
}

/** POST /open-apis/contact/v3/users/batch_get_id — contacts are "not billed" (no quota use). */
export async function batchGetId(sim: FeishuSim, req: SimRequest): Promise<SimResponse> {
  const app = await guard(sim, req, { api: 'resolve_user', billed: false });
  if (isResponse(app)) return app;
  const type = UserIdType.safeParse(req.query.get('user_id_type') ?? 'open_id');
  if (!type.success) return fieldViolation('user_id_type', 'user_id_type is invalid');
  const body = BatchGetIdBody.safeParse(parseJsonBody(req.rawBody) ?? {});
  if (!body.success) return fieldViolation('emails/mobiles', 'at most 50 emails and 50 mobiles');
  const { emails = [], mobiles = [], include_resigned: includeResigned = false } = body.data;
  const users = sim.core.users;
  const list = [
    ...emails.map((email) => ({ email, ...entry(sim, users.byEmail(email), type.data, includeResigned) })),
    ...mobiles.map((mobile) => ({ mobile, ...entry(sim, users.byMobile(mobile), type.data, includeResigned) })),
  ];
  return ok({ user_list: list });
}
