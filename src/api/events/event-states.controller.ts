import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Query, Res } from '@nestjs/common';
import { Roles } from '../auth/auth.decorators.js';
import { respond, type StatusResponse } from '../common/http-result.js';
import { EventCatalogue } from './event-catalogue.js';
import { EventName, PutEventStateRequest, TenantQuery } from './events.schemas.js';
import type { EventStateList, EventStateView } from './events.schemas.js';

/**
 * A tenant's catalogue of events: the documented ones and the ticket states it defines itself (its ticket system may
 * then report them, its rules match them). A state still matched by a rule cannot be removed.
 */
@Controller('v1/event-states')
export class EventStatesController {
  constructor(@Inject(EventCatalogue) private readonly catalogue: EventCatalogue) {}

  @Get()
  @Roles('ticket-system', 'dba')
  async list(@Query('tenant', { schema: TenantQuery }) tenant: string): Promise<EventStateList> {
    return { tenant, states: await this.catalogue.list(tenant) };
  }

  @Put(':state')
  @Roles('dba')
  async put(
    @Param('state', { schema: EventName }) state: string,
    @Query('tenant', { schema: TenantQuery }) tenant: string,
    @Body({ schema: PutEventStateRequest }) body: PutEventStateRequest,
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<EventStateView> {
    return respond(res, await this.catalogue.define(tenant, state, body));
  }

  @Delete(':state')
  @Roles('dba')
  @HttpCode(204)
  async delete(
    @Param('state', { schema: EventName }) state: string,
    @Query('tenant', { schema: TenantQuery }) tenant: string,
  ): Promise<void> {
    await this.catalogue.remove(tenant, state);
  }
}
