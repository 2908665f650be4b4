import type { OpenAPIObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
import { TicketEventRequest } from '../../domain/notice.js';
import {
  EventIdParam,
  EventList,
  EventName,
  EventStateList,
  EventStateView,
  NoticeView,
  PutEventStateRequest,
  TenantQuery,
  TicketIdQuery,
} from '../events/events.schemas.js';
import { EffectiveNotices, PutNoticesRequest, UserIdParam } from '../users/users.schemas.js';
import { body, denied, error, json, jsonSchema, op, param } from './openapi-helpers.js';

/** The notification part of the OpenAPI document: events, their notices, the event catalogue, notice settings. */

const tenant = param('tenant', TenantQuery, 'query', false);

/** GET and PUT of one person's notice settings: anyone's (`/v1/users/{id}/notices`) or the caller's own (`/v1/me`). */
function noticeSettings(name: string, whose: string, roles: string, who: ParameterObject[]) {
  return {
    get: op('users', roles, {
      operationId: `get${name}Notices`,
      summary: `${whose.charAt(0).toUpperCase()}${whose.slice(1)} notice settings as they apply: every event, on every channel, and why a channel is off`,
      parameters: [...who, tenant],
      responses: { '200': json('EffectiveNotices', 'The settings'), ...denied, '404': error('NotFound') },
    }),
    put: op('users', roles, {
      operationId: `put${name}Notices`,
      summary: `Replace ${whose} notice settings (an event off, or a channel off for one event)`,
      parameters: [...who, tenant],
      requestBody: body('PutNoticesRequest'),
      responses: {
        '200': json('EffectiveNotices', 'The settings now'),
        '400': error('BadRequest'),
        ...denied,
        '404': error('NotFound'),
      },
    }),
  };
}

export const eventPaths: OpenAPIObject['paths'] = {
  '/v1/events': {
    post: op('events', 'ticket-system, admin', {
      operationId: 'reportEvent',
      summary: 'Report something that happened to a ticket (executed, execution_failed, closed, …): its notice',
      description:
        'Matches the rule for the ticket type and state (else the `*` rule), pins its current version and tells ' +
        'everyone it names, in one `ticketNotice` run. Idempotent on `eventId`: the same event again answers 200 ' +
        'with its notice; another event under a used id is 409 EVENT_ID_CONFLICT. An unknown state (not documented ' +
        'nor defined with PUT /v1/event-states) or a state the approval raises itself is 400 UNKNOWN_EVENT. An event ' +
        'no rule matches is recorded and answered with `status: nobody_notified` and the `reason`.',
      requestBody: body('TicketEventRequest'),
      responses: {
        '201': json('NoticeView', 'Recorded; the notice is on its way (or nobody is told: see status and reason)'),
        '200': json('NoticeView', 'This event was reported before; here is its notice'),
        '400': error('BadRequest'),
        ...denied,
        '409': error('Conflict'),
        '503': error('Unavailable'),
      },
    }),
    get: op('events', 'ticket-system, dba, admin', {
      operationId: 'listEvents',
      summary: "A ticket's notices, newest first (its approval's transitions and the events reported for it)",
      parameters: [param('ticketId', TicketIdQuery, 'query'), tenant],
      responses: { '200': json('EventList', 'The notices'), '400': error('BadRequest'), ...denied },
    }),
  },
  '/v1/events/{eventId}': {
    get: op('events', 'ticket-system, dba, admin', {
      operationId: 'getEvent',
      summary: "One event's notice: who it was for and each delivery per person × channel",
      description: 'Events the approval raises have ids `approval:<ticketId>:<event>[:<n>]`.',
      parameters: [param('eventId', EventIdParam), tenant],
      responses: {
        '200': json('NoticeView', 'The notice'),
        '400': error('BadRequest'),
        ...denied,
        '404': error('NotFound'),
        '503': error('Unavailable'),
      },
    }),
  },
  '/v1/event-states': {
    get: op('events', 'ticket-system, dba, admin', {
      operationId: 'listEventStates',
      summary: "The tenant's events: the approval's own, the documented ticket states and the tenant's",
      parameters: [tenant],
      responses: { '200': json('EventStateList', 'The catalogue'), '400': error('BadRequest'), ...denied },
    }),
  },
  '/v1/event-states/{state}': {
    put: op('events', 'dba, admin', {
      operationId: 'putEventState',
      summary: 'Define (or relabel) a ticket state of the tenant, which its ticket system may then report',
      parameters: [param('state', EventName), tenant],
      requestBody: body('PutEventStateRequest'),
      responses: {
        '201': json('EventStateView', 'Defined'),
        '200': json('EventStateView', 'Relabelled'),
        '400': error('BadRequest'),
        ...denied,
        '409': error('Conflict'),
      },
    }),
    delete: op('events', 'dba, admin', {
      operationId: 'deleteEventState',
      summary: 'Remove a state of the tenant (409 EVENT_STATE_IN_USE while a rule matches it)',
      parameters: [param('state', EventName), tenant],
      responses: { '204': { description: 'Removed' }, ...denied, '404': error('NotFound'), '409': error('Conflict') },
    }),
  },
  '/v1/users/{id}/notices': noticeSettings('User', "a user's", 'dba, admin', [param('id', UserIdParam)]),
  '/v1/me/notices': noticeSettings('My', "the token's user's own", 'approver, dba, admin', []),
};

export const eventSchemas: Record<string, SchemaObject> = {
  TicketEventRequest: jsonSchema(TicketEventRequest, 'input'),
  NoticeView: jsonSchema(NoticeView, 'output'),
  EventList: jsonSchema(EventList, 'output'),
  EventStateList: jsonSchema(EventStateList, 'output'),
  EventStateView: jsonSchema(EventStateView, 'output'),
  PutEventStateRequest: jsonSchema(PutEventStateRequest, 'input'),
  EffectiveNotices: jsonSchema(EffectiveNotices, 'output'),
  PutNoticesRequest: jsonSchema(PutNoticesRequest, 'input'),
};
