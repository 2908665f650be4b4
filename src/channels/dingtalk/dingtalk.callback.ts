import { z } from 'zod';

/**
 * The HTTP card callback body. `content` is a JSON string; the approval tutorial shows the same payload under `value`
 * instead (reference §5b), so both are accepted.
 */
const CallbackBody = z.looseObject({
  type: z.string().optional(),
  outTrackId: z.string().min(1),
  corpId: z.string().optional(),
  userId: z.string().min(1),
  content: z.string().optional(),
  value: z.string().optional(),
});

const CallbackContent = z.looseObject({
  cardPrivateData: z.looseObject({
    actionIds: z.array(z.string()).default([]),
    params: z.record(z.string(), z.unknown()).default({}),
  }),
});

export interface CardCallback {
  outTrackId: string;
  corpId?: string;
  /** The clicker, as DingTalk authenticated them (userIdType 1: userId). The only identity we trust. */
  userId: string;
  actionIds: string[];
  /** The button's 回传参数, as the template sent them: {action, ticketId, tenant, nonce}. */
  params: Record<string, unknown>;
}

/** Parse a (signature-verified) callback body; undefined when it is not a card action we understand. */
export function parseCardCallback(body: unknown): CardCallback | undefined {
  const outer = CallbackBody.safeParse(body);
  if (!outer.success) return undefined;
  const raw = outer.data.content ?? outer.data.value;
  if (raw === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const inner = CallbackContent.safeParse(decoded);
  if (!inner.success) return undefined;
  const { outTrackId, corpId, userId } = outer.data;
  const { actionIds, params } = inner.data.cardPrivateData;
  return { outTrackId, userId, actionIds, params, ...(corpId ? { corpId } : {}) };
}
