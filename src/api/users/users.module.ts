import { Module } from '@nestjs/common';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/** /v1/users (admin, dba). */
@Module({ controllers: [UsersController], providers: [UsersService] })
export class UsersModule {}
