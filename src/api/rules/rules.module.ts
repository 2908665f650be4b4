import { Module } from '@nestjs/common';
import { RulesController } from './rules.controller.js';
import { RulesService } from './rules.service.js';
import { EventsModule } from '../events/events.module.js';

/** /v1/rules (admin, dba): CRUD with versions and optimistic concurrency, and the dry run. */
@Module({ imports: [EventsModule], controllers: [RulesController], providers: [RulesService] })
export class RulesModule {}
