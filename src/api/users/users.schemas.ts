import { z } from 'zod';
import { ChannelKind } from '../../domain/channel.js';
import { NoticeSettings } from '../../domain/notice.js';
import { User } from '../../domain/user.js';

export const UserIdParam = User.shape.id;

/**
 * Body of PUT /v1/users/:id: the user's id comes from the path. Their notice settings are kept when `notices` is left
 * out (an admin fixing a mobile number never resets what the person chose).
 */
export const PutUserRequest = User.omit({ id: true, notices: true }).extend({
  notices: NoticeSettings.optional().meta({ description: 'Per-event notice settings; left out: kept as they are' }),
});
export type PutUserRequest = z.infer<typeof PutUserRequest>;

const PlatformId = z.object({
  kind: ChannelKind,
  platformUserId: z.string(),
  resolvedAt: z.iso.datetime(),
  ageSeconds: z.number().int().meta({ description: 'How long ago it was resolved (looked up again after a day)' }),
});

export const UserView = User.extend({
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Platform user ids resolved from the user's current mobile / email, with their age. */
  platformIds: z.array(PlatformId),
});
export type UserView = z.infer<typeof UserView>;

export const UserList = z.object({ users: z.array(UserView) });
export type UserList = z.infer<typeof UserList>;

/** Body of PUT /v1/users/:id/notices and /v1/me/notices: the person's settings per event (replacing them). */
export const PutNoticesRequest = z.object({ notices: NoticeSettings });
export type PutNoticesRequest = z.infer<typeof PutNoticesRequest>;

/** A person's notice settings as they apply: every event of the tenant's catalogue, on every channel. */
export const EffectiveNotices = z.object({
  userId: z.string(),
  tenant: z.string(),
  events: z.array(
    z.object({
      event: z.string(),
      label: z.string(),
      source: z.enum(['approval', 'ticket', 'tenant']),
      enabled: z.boolean().meta({ description: 'The person has this event on (their own switch)' }),
      note: z.string().optional(),
      channels: z.array(
        z.object({
          kind: ChannelKind,
          on: z.boolean(),
          reason: z.string().optional().meta({ description: 'Why the channel is off for this event' }),
        }),
      ),
    }),
  ),
});
export type EffectiveNotices = z.infer<typeof EffectiveNotices>;
