import { Module } from '@nestjs/common';
import { EventCatalogue } from './event-catalogue.js';
import { EventStatesController } from './event-states.controller.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';

/** /v1/events (ticket systems report events; everyone reads their notices) and /v1/event-states (the catalogue). */
@Module({
  controllers: [EventsController, EventStatesController],
  providers: [EventsService, EventCatalogue],
  exports: [EventCatalogue],
})
export class EventsModule {}
