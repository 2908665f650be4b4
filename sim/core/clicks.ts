import { z } from 'zod';
import { SimInputError, SIM_PLATFORMS, type SimPlatform } from './types.js';
import type { CallbackAnswer } from './callbacks.js';
import type { SimClickRecord, SimMessage } from './inbox.js';

/** Body of `POST /_sim/click`: a sim user presses a button on a delivered card. */
export const SimClickRequest = z
  .object({
    platform: z.enum(SIM_PLATFORMS as [SimPlatform, ...SimPlatform[]]),
    messageId: z.string().min(1).optional(),
    cardRef: z.string().min(1).optional(),
    /** Sim user id of the clicker (e.g. `bob`). */
    userId: z.string().min(1),
    action: z.enum(['approve', 'reject']),
    /** Platform-specific mode, e.g. Feishu `legacy` for card.action.trigger_v1 (default: the app's setting). */
    mode: z.string().optional(),
    /**
     * The platform pushes the same callback twice (an unacknowledged delivery re-pushed): over HTTP the identical
     * request again; over a long connection the same frame (same message id) to another open connection if any.
     */
    redeliver: z.boolean().optional(),
  })
  .refine((c) => c.messageId ?? c.cardRef, 'messageId or cardRef is required');
export type SimClickRequest = z.infer<typeof SimClickRequest>;

/** What the click did: the exact request the platform sent and the app's answer. */
export interface SimClickResult {
  url: string;
  request: { headers: Record<string, string>; body: string };
  answer: CallbackAnswer;
  record: SimClickRecord;
  /**
   * Only with `redeliver: true`: the second delivery, made after the first was answered or timed out. Its answer is
   * applied to the card too and its record is pushed onto `message.clicks` after the first. `connectionId` is the
   * long connection it went to (absent for HTTP callbacks, and when no connection was open).
   */
  redelivered?: SimDelivery;
}

/** One delivery of a click's callback: where it went, the app's answer, and what that did to the card. */
export interface SimDelivery {
  /** The long connection it went to (undefined for HTTP, or when none was open). */
  connectionId?: string;
  answer: CallbackAnswer;
  record: SimClickRecord;
}

/**
 * Deliver a click's callback once, or, with `redeliver`, a second time after the first was answered or timed out
 * (`deliver` gets the first delivery, e.g. to prefer another connection). Each record goes onto `message.clicks`.
 */
export async function deliverClick(
  message: SimMessage,
  redeliver: boolean | undefined,
  deliver: (previous?: SimDelivery) => Promise<SimDelivery>,
): Promise<{ first: SimDelivery; redelivered?: SimDelivery }> {
  const first = await deliver();
  message.clicks.push(first.record);
  if (!redeliver) return { first };
  const again = await deliver(first);
  message.clicks.push(again.record);
  return { first, redelivered: again };
}

export type SimClickHandler = (click: SimClickRequest & { messageId: string }) => Promise<SimClickResult>;

/** Each platform module registers how a click on its cards becomes a callback. */
export class ClickRegistry {
  private readonly handlers = new Map<SimPlatform, SimClickHandler>();

  register(platform: SimPlatform, handler: SimClickHandler): void {
    this.handlers.set(platform, handler);
  }

  click(input: unknown): Promise<SimClickResult> {
    const parsed = SimClickRequest.safeParse(input);
    if (!parsed.success) throw new SimInputError(z.prettifyError(parsed.error));
    const handler = this.handlers.get(parsed.data.platform);
    if (!handler) throw new SimInputError(`no click support for ${parsed.data.platform}`, 404);
    const messageId = parsed.data.messageId ?? parsed.data.cardRef ?? '';
    return handler({ ...parsed.data, messageId });
  }
}
