import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Res } from '@nestjs/common';
import { Roles } from '../auth/auth.decorators.js';
import { respond, type StatusResponse } from '../common/http-result.js';
import { UsersService } from './users.service.js';
import { PutUserRequest, UserIdParam } from './users.schemas.js';
import type { UserList, UserView } from './users.schemas.js';

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
