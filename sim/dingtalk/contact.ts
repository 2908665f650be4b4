import { parseJsonBody, type SimRequest, type SimResponse } from '../core/index.js';
import { guard, isResponse } from './auth.js';
import { oapiFail, oapiOk, type DingtalkSim } from './wire.js';

/** Mainland mobiles with or without +86, or other international numbers; anything else is 40104. */
const MOBILE = /^(\+?\d{1,4}-?)?\d{6,15}$/;

/** The doc's curl sends a form body; the parameter table reads like JSON. Accept both. */
function mobileOf(req: SimRequest): string | undefined {
  const json = parseJsonBody(req.rawBody) as { mobile?: unknown } | undefined;
  if (typeof json?.mobile === 'string') return json.mobile;
  return new URLSearchParams(req.rawBody.toString('utf8')).get('mobile') ?? undefined;
}

/**
 * POST /topapi/v2/user/getbymobile?access_token= → `result.userid`. Only active employees are found ("如果员工离职，
 * 无法根据手机号获取用户的userId"); the 通讯录 lookup sees the whole org, also users outside the app's visible range.
 * Not counted toward the monthly quota (reference §2a).
 */
export async function getByMobile(sim: DingtalkSim, req: SimRequest): Promise<SimResponse> {
  const app = await guard(sim, req, 'oapi', { api: 'resolve_user', billed: false });
  if (isResponse(app)) return app;
  const mobile = mobileOf(req)?.trim();
  if (!mobile) return oapiFail(400002, '无效的参数');
  if (!MOBILE.test(mobile.replace(/\s/g, ''))) return oapiFail(40104, '企业中无效的手机号');
  const user = sim.core.users.byMobile(mobile);
  const status = user ? sim.core.users.statusOn(user, sim.edition) : 'unknown';
  const userId = user?.ids[sim.edition];
  if (!user || !userId || status === 'unknown' || status === 'resigned') return oapiFail(60121, '找不到该用户');
  return oapiOk({ result: { userid: userId, exclusive_account_userid_list: [] } });
}
