import { z } from 'zod';
import type { CardRecipient, SharedCardResult } from '../provider.js';

/**
 * Robot-chat spaces of a card instance and what DingTalk says about each. `openSpaceId` is
 * `dtv1.card//IM_ROBOT.<userId>[;IM_ROBOT.<userId>...]`, at most 1,000 characters (create-and-deliver-cards, reference
 * §3a); card/instances/deliver takes the same format, so longer recipient lists go out in chunks.
 */
export const MAX_OPEN_SPACE_ID_CHARS = 1000;
const PREFIX = 'dtv1.card//';
const ROBOT = 'IM_ROBOT';

/** One `deliverResults` (createAndDeliver) or `result` (deliver) entry. */
export const DeliverResult = z.looseObject({
  spaceType: z.string().optional(),
  spaceId: z.string().optional(),
  success: z.boolean(),
  errorMsg: z.string().optional(),
});
export type DeliverResult = z.infer<typeof DeliverResult>;

/** The answer of card/instances/createAndDeliver: every space's result under `result.deliverResults`. */
export const CreateAndDeliverReply = z.looseObject({
  success: z.boolean().optional(),
  result: z.looseObject({ deliverResults: z.array(DeliverResult).default([]) }).optional(),
});
/** The answer of card/instances/deliver: every space's result under `result`. */
export const DeliverReply = z.looseObject({
  success: z.boolean().optional(),
  result: z.array(DeliverResult).default([]),
});

/** Per space (the recipient's DingTalk userId): delivered, or why not in our codes. */
export interface SpaceOutcome {
  delivered: boolean;
  error?: { code: string; message: string };
}

export function openSpaceId(userIds: readonly string[]): string {
  return `${PREFIX}${userIds.map((id) => `${ROBOT}.${id}`).join(';')}`;
}

/**
 * The recipients' distinct user ids in groups whose `openSpaceId` fits the limit, in order. An id that cannot fit
 * even alone is returned in `oversized` (never sent: the platform would refuse the whole call).
 */
export function chunkRobotSpaces(
  userIds: readonly string[],
  maxChars = MAX_OPEN_SPACE_ID_CHARS,
): { chunks: string[][]; oversized: string[] } {
  const chunks: string[][] = [];
  const oversized: string[] = [];
  let current: string[] = [];
  let length = PREFIX.length;
  for (const id of new Set(userIds)) {
    const entry = ROBOT.length + 1 + id.length;
    if (PREFIX.length + entry > maxChars) {
      oversized.push(id);
      continue;
    }
    const added = current.length === 0 ? entry : entry + 1;
    if (length + added > maxChars) {
      chunks.push(current);
      current = [];
      length = PREFIX.length;
    }
    length += current.length === 0 ? entry : entry + 1;
    current.push(id);
  }
  if (current.length > 0) chunks.push(current);
  return { chunks, oversized };
}

/**
 * What one call said about each of the spaces it targeted. A top-level success can hide a space that did not get the
 * card, so every entry is read; a space without an entry counts as not delivered (TRANSIENT: DingTalk did not say,
 * and delivering the same instance there again is harmless). A lone entry without `spaceId` answers a lone space.
 */
export function spaceOutcomes(
  userIds: readonly string[],
  entries: readonly DeliverResult[],
): Map<string, SpaceOutcome> {
  const bySpace = new Map<string, DeliverResult>();
  for (const entry of entries) {
    if (entry.spaceType !== undefined && entry.spaceType.toUpperCase() !== ROBOT) continue;
    if (entry.spaceId !== undefined) bySpace.set(entry.spaceId, entry);
  }
  const [onlyId] = userIds;
  const [onlyEntry] = entries;
  if (userIds.length === 1 && entries.length === 1 && onlyId !== undefined && onlyEntry && !onlyEntry.spaceId) {
    bySpace.set(onlyId, onlyEntry);
  }
  const outcomes = new Map<string, SpaceOutcome>();
  for (const id of userIds) {
    const entry = bySpace.get(id);
    if (!entry) {
      outcomes.set(id, failed('TRANSIENT', 'DingTalk reported no delivery result for this space'));
    } else if (entry.success) {
      outcomes.set(id, { delivered: true });
    } else {
      const reason = entry.errorMsg ?? 'not delivered';
      outcomes.set(id, failed('RECIPIENT_UNREACHABLE', `DingTalk did not deliver the card: ${reason}`));
    }
  }
  return outcomes;
}

export function failed(code: string, message: string): SpaceOutcome {
  return { delivered: false, error: { code, message } };
}

/** One result per recipient, in the request's order; a recipient no call reached is reported as not delivered. */
export function recipientResults(
  recipients: readonly CardRecipient[],
  outcomes: ReadonlyMap<string, SpaceOutcome>,
): SharedCardResult[] {
  return recipients.map((r) => {
    const outcome = outcomes.get(r.platformUserId) ?? failed('TRANSIENT', 'no delivery was attempted');
    return {
      platformUserId: r.platformUserId,
      delivered: outcome.delivered,
      ...(outcome.error && { error: outcome.error }),
    };
  });
}
