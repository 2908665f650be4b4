import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { Roles } from '../auth/auth.decorators.js';
import { respond, type StatusResponse } from '../common/http-result.js';
import { EventsService } from './events.service.js';
import { EventIdParam, TenantQuery, TicketEventRequest, TicketIdQuery } from './events.schemas.js';
import type { EventList, NoticeView } from './events.schemas.js';

@Controller('v1/events')
export class EventsController {
  constructor(@Inject(EventsService) private readonly events: EventsService) {}

  @Post()
  @Roles('ticket-system')
  async report(
    @Body({ schema: TicketEventRequest }) body: TicketEventRequest,
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<NoticeView> {
    return respond(res, await this.events.report(body));
  }

  @Get()
  @Roles('ticket-system', 'dba')
  list(
    @Query('ticketId', { schema: TicketIdQuery }) ticketId: string,
    @Query('tenant', { schema: TenantQuery }) tenant: string,
  ): Promise<EventList> {
    return this.events.list(tenant, ticketId);
  }

  @Get(':eventId')
  @Roles('ticket-system', 'dba')
  get(
    @Param('eventId', { schema: EventIdParam }) eventId: string,
    @Query('tenant', { schema: TenantQuery }) tenant: string,
  ): Promise<NoticeView> {
    return this.events.get(tenant, eventId);
  }
}
