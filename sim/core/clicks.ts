import { z } from 'zod';
import { SimInputError, SIM_PLATFORMS, type SimPlatform } from './types.js';
import type { CallbackAnswer } from './callbacks.js';
import type { SimClickRecord } from './inbox.js';

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
  })
  .refine((c) => c.messageId ?? c.cardRef, 'messageId or cardRef is required');
export type SimClickRequest = z.infer<typeof SimClickRequest>;

/** What the click did: the exact request the platform sent and the app's answer. */
export interface SimClickResult {
  url: string;
  request: { headers: Record<string, string>; body: string };
  answer: CallbackAnswer;
  record: SimClickRecord;
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
