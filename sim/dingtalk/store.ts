import { z } from 'zod';
import type { SimMessage } from '../core/index.js';
import type { ParamMap } from './template.js';
import type { DingtalkSim } from './wire.js';

/** One card instance (one outTrackId), delivered into one or more spaces. */
export interface SimCardInstance {
  appId: string;
  outTrackId: string;
  cardTemplateId: string;
  callbackType: 'HTTP' | 'STREAM';
  callbackRouteKey?: string;
  publicData: ParamMap;
  /** Per-user data, keyed by DingTalk userId. */
  privateData: Record<string, ParamMap>;
  /**
   * Space types the card has a space model for (`imRobotOpenSpaceModel` → IM_ROBOT, `imGroupOpenSpaceModel` →
   * IM_GROUP); it can go nowhere else.
   */
  spaceTypes: string[];
  /** Inbox message ids of its copies: one per robot chat, one per member of each group (whatever the calls). */
  messageIds: string[];
}

/** Card instances per app; an outTrackId is never forgotten ("one outTrackId = one card"). */
export class CardStore {
  private readonly cards = new Map<string, SimCardInstance>();

  get(appId: string, outTrackId: string): SimCardInstance | undefined {
    return this.cards.get(`${appId}\u0000${outTrackId}`);
  }

  put(card: SimCardInstance): void {
    this.cards.set(`${card.appId}\u0000${card.outTrackId}`, card);
  }

  clear(): void {
    this.cards.clear();
  }
}

const AnyMap = z.record(z.string(), z.unknown());
export const CardData = z.looseObject({ cardParamMap: AnyMap.optional() });
export const PrivateData = z.record(z.string(), CardData);

/** cardParamMap is Map<String,String>: keys ≤ 100 B, values ≤ 1 KB strings (instructions-for-filling-in-api-card-data). */
export function checkParamMap(map: Record<string, unknown> | undefined, where: string): string | undefined {
  for (const [key, value] of Object.entries(map ?? {})) {
    if (typeof value !== 'string') return `${where}.${key} must be a string (cardParamMap is Map<String,String>)`;
    if (Buffer.byteLength(key) > 100) return `${where} key ${key} is longer than 100 bytes`;
    if (Buffer.byteLength(value) > 1024) return `${where}.${key} is longer than 1 KB`;
  }
  return undefined;
}

export function checkPrivate(data: z.infer<typeof PrivateData> | undefined): string | undefined {
  for (const [userId, entry] of Object.entries(data ?? {})) {
    const problem = checkParamMap(entry.cardParamMap, `privateData.${userId}.cardParamMap`);
    if (problem) return problem;
  }
  return undefined;
}

export function stringMap(map: Record<string, unknown> | undefined): ParamMap {
  return { ...(map as ParamMap | undefined) };
}

export function messagesOf(sim: DingtalkSim, card: SimCardInstance): SimMessage[] {
  return card.messageIds.flatMap((id) => sim.core.inbox.get(sim.edition, id) ?? []);
}
