import { z } from 'zod';
import { SimInputError, type SimPlatform } from './types.js';

/**
 * A group conversation of an org, as DingTalk knows it: its `openConversationId`, its members and the app robots
 * added to it. A card delivered into the group (IM_GROUP space) is seen by every member; a robot that is not in the
 * group cannot deliver there. (Feishu / Lark group chats need no entry: any `oc_` id is a group, sim/README.md.)
 */
export interface SimGroup {
  platform: SimPlatform;
  /** DingTalk openConversationId, e.g. `cidApprovers0001==`. */
  id: string;
  name: string;
  /** Sim user ids of the members (only those active on the platform see what is posted). */
  members: string[];
  /** Robot codes of the app robots in the group (an internal app's robot code is its appKey unless set otherwise). */
  robots: string[];
}

/** `PUT /_sim/groups/:platform/:id`: create (members default to none) or merge. */
export const SimGroupPatch = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  members: z.array(z.string().min(1)).max(1000).optional(),
  robots: z.array(z.string().min(1)).max(50).optional(),
});
export type SimGroupPatch = z.infer<typeof SimGroupPatch>;

export class GroupDirectory {
  private readonly groups = new Map<string, SimGroup>();

  get(platform: SimPlatform, id: string): SimGroup | undefined {
    return this.groups.get(key(platform, id));
  }

  list(platform?: SimPlatform): SimGroup[] {
    return [...this.groups.values()].filter((g) => platform === undefined || g.platform === platform);
  }

  upsert(platform: SimPlatform, id: string, input: unknown): SimGroup {
    if (!id) throw new SimInputError('a group needs an id');
    const patch = SimGroupPatch.parse(input ?? {});
    const existing = this.get(platform, id);
    const group: SimGroup = {
      platform,
      id,
      name: patch.name ?? existing?.name ?? id,
      members: [...new Set(patch.members ?? existing?.members ?? [])],
      robots: [...new Set(patch.robots ?? existing?.robots ?? [])],
    };
    this.groups.set(key(platform, id), group);
    return group;
  }

  remove(platform: SimPlatform, id: string): boolean {
    return this.groups.delete(key(platform, id));
  }

  clear(): void {
    this.groups.clear();
  }
}

function key(platform: SimPlatform, id: string): string {
  return `${platform}\u0000${id}`;
}
