import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { NoticeSettingsService } from './notice-settings.service.js';
import { MyNoticesController, UserNoticesController, UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/** /v1/users (admin, dba), with each user's notice settings; /v1/me/notices (a person's own). */
@Module({
  imports: [EventsModule],
  controllers: [UsersController, UserNoticesController, MyNoticesController],
  providers: [UsersService, NoticeSettingsService],
})
export class UsersModule {}
