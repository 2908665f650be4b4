import { z } from 'zod';
import { ChannelKind } from '../../domain/channel.js';
import { User } from '../../domain/user.js';

export const UserIdParam = User.shape.id;

/** Body of PUT /v1/users/:id: the user's id comes from the path. */
export const PutUserRequest = User.omit({ id: true });
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
