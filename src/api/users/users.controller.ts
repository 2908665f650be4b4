import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Query, Res } from '@nestjs/common';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/auth.schemas.js';
import { TenantQuery } from '../events/events.schemas.js';
import { NoticeSettingsService } from './notice-settings.service.js';
import { respond, type StatusResponse } from '../common/http-result.js';
import { UsersService } from './users.service.js';
import { PutNoticesRequest, PutUserRequest, UserIdParam } from './users.schemas.js';
import type { EffectiveNotices, UserList, UserView } from './users.schemas.js';

@Controller('v1/users')
@Roles('dba')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Get()
  list(): Promise<UserList> {
    return this.users.list();
  }

  @Get(':id')
  get(@Param('id', { schema: UserIdParam }) id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Put(':id')
  async put(
    @Param('id', { schema: UserIdParam }) id: string,
    @Body({ schema: PutUserRequest }) body: PutUserRequest,
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<UserView> {
    return respond(res, await this.users.put(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', { schema: UserIdParam }) id: string): Promise<void> {
    return this.users.delete(id);
  }
}

/** Anyone's notice settings (admins, DBAs). */
@Controller('v1/users/:id/notices')
@Roles('dba')
export class UserNoticesController {
  constructor(@Inject(NoticeSettingsService) private readonly settings: NoticeSettingsService) {}

  @Get()
  get(
    @Param('id', { schema: UserIdParam }) id: string,
    @Query('tenant', { schema: TenantQuery }) tenant: string,
  ): Promise<EffectiveNotices> {
    return this.settings.get(id, tenant);
  }

  @Put()
  put(
    @Param('id', { schema: UserIdParam }) id: string,
    @Query('tenant', { schema: TenantQuery }) tenant: string,
    @Body({ schema: PutNoticesRequest }) body: PutNoticesRequest,
  ): Promise<EffectiveNotices> {
    return this.settings.put(id, tenant, body.notices);
  }
}

/** A person's own notice settings (their profile's "Notice" page): the token's user. */
@Controller('v1/me/notices')
@Roles('approver', 'dba')
export class MyNoticesController {
  constructor(@Inject(NoticeSettingsService) private readonly settings: NoticeSettingsService) {}

  @Get()
  get(
    @CurrentPrincipal() me: Principal,
    @Query('tenant', { schema: TenantQuery }) tenant: string,
  ): Promise<EffectiveNotices> {
    return this.settings.get(me.userId, tenant);
  }

  @Put()
  put(
    @CurrentPrincipal() me: Principal,
    @Query('tenant', { schema: TenantQuery }) tenant: string,
    @Body({ schema: PutNoticesRequest }) body: PutNoticesRequest,
  ): Promise<EffectiveNotices> {
    return this.settings.put(me.userId, tenant, body.notices);
  }
}
