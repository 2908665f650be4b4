import { Inject, Injectable } from '@nestjs/common';
import { STORE } from '../../db/database.module.js';
import type { Store } from '../../db/store.js';
import type { PlatformIdRecord, UserRecord } from '../../db/users.repo.js';
import { ApiError } from '../common/api-error.js';
import type { HttpResult } from '../common/http-result.js';
import type { PutUserRequest, UserList, UserView } from './users.schemas.js';

/** Users and their notification switches; the worker reads the same rows when it resolves recipients. */
@Injectable()
export class UsersService {
  constructor(@Inject(STORE) private readonly store: Store) {}

  async list(): Promise<UserList> {
    const users = await this.store.users.list();
    return { users: await Promise.all(users.map((u) => this.view(u))) };
  }

  async get(id: string): Promise<UserView> {
    const user = await this.store.users.get(id);
    if (!user) throw new ApiError('USER_NOT_FOUND', `no user ${id}`);
    return this.view(user);
  }

  async put(id: string, body: PutUserRequest): Promise<HttpResult<UserView>> {
    const notices = body.notices ?? (await this.store.users.get(id))?.notices ?? {};
    const { user, created } = await this.store.users.put({ id, ...body, notices });
    return { status: created ? 201 : 200, body: await this.view(user) };
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.users.delete(id))) throw new ApiError('USER_NOT_FOUND', `no user ${id}`);
  }

  private async view(user: UserRecord): Promise<UserView> {
    const now = Date.now();
    const ids = await this.store.users.platformIds(user);
    const { createdAt, updatedAt, ...rest } = user;
    return {
      ...rest,
      createdAt: createdAt.toISOString(),
      updatedAt: updatedAt.toISOString(),
      platformIds: ids.map((p: PlatformIdRecord) => ({
        kind: p.kind,
        platformUserId: p.platformUserId,
        resolvedAt: p.resolvedAt.toISOString(),
        ageSeconds: Math.max(0, Math.floor((now - p.resolvedAt.getTime()) / 1000)),
      })),
    };
  }
}
