import type { OpenAPIObject, OperationObject, ParameterObject } from '@nestjs/swagger';
import { DecisionBody, StartApprovalRequest, WithdrawBody } from '../../domain/approval.js';
import {
  ApprovalView,
  DecideResultDoc,
  DecisionReceived,
  StartApprovalResponse,
  TenantQuery,
  TicketIdParam,
} from '../approvals/approvals.schemas.js';
import { CreatedToken, CreateTokenRequest } from '../auth/auth.schemas.js';
import { ErrorResponse } from '../common/api-error.js';
import { HealthReport } from '../health/health.schemas.js';
import { adminPaths, adminSchemas } from './admin-openapi.js';
import { eventPaths, eventSchemas } from './events-openapi.js';
import { tenantPaths, tenantSchemas } from './tenants-openapi.js';
import { error, json, jsonSchema, ref } from './openapi-helpers.js';

const ticketIdParam: ParameterObject = {
  name: 'ticketId',
  in: 'path',
  required: true,
  schema: jsonSchema(TicketIdParam, 'input'),
};
const tenantParam: ParameterObject = {
  name: 'tenant',
  in: 'query',
  required: false,
  schema: jsonSchema(TenantQuery, 'input'),
};

function operation(roles: string, op: OperationObject): OperationObject {
  return { ...op, description: `${op.description ?? ''}\n\nRoles: ${roles}.`.trim() };
}

const paths: OpenAPIObject['paths'] = {
  '/v1/approvals': {
    post: operation('ticket-system, admin', {
      operationId: 'startApproval',
      tags: ['approvals'],
      summary: 'Start the approval of a ticket (idempotent per tenant + ticketId)',
      description: 'Starts one `ticketApproval` workflow per ticket. Sending the same ticket again returns its run.',
      requestBody: { required: true, content: { 'application/json': { schema: ref('StartApprovalRequest') } } },
      responses: {
        '201': json('StartApprovalResponse', 'Started'),
        '200': json('StartApprovalResponse', 'This ticket already has an approval; here it is'),
        '400': error('BadRequest'),
        '401': error('Unauthorized'),
        '403': error('Forbidden'),
        '422': error('Unprocessable'),
        '503': error('Unavailable'),
      },
    }),
  },
  '/v1/approvals/{ticketId}': {
    get: operation('ticket-system, dba, approver, admin', {
      operationId: 'getApproval',
      tags: ['approvals'],
      summary: "An approval's live state, or how it ended",
      parameters: [ticketIdParam, tenantParam],
      responses: {
        '200': json('ApprovalView', 'The approval'),
        '400': error('BadRequest'),
        '401': error('Unauthorized'),
        '403': error('Forbidden'),
        '404': error('NotFound'),
        '503': error('Unavailable'),
      },
    }),
  },
  '/v1/approvals/{ticketId}/decisions': {
    post: operation('approver, admin', {
      operationId: 'decide',
      tags: ['approvals'],
      summary: "Approve or reject as the token's user",
      description:
        "The deciding user is the bearer token's user. `eventId` makes retries safe: the same caller sending " +
        'the same id gets the first answer (ids are scoped to the caller; the stored id is `api:<user>:<eventId>`). ' +
        '403 NOT_AN_APPROVER / REQUESTER_CANNOT_DECIDE, 409 ALREADY_VOTED.',
      parameters: [ticketIdParam, tenantParam],
      requestBody: { required: true, content: { 'application/json': { schema: ref('DecisionBody') } } },
      responses: {
        '200': json('DecideResult', 'Applied, or the approval was already decided'),
        '202': json(
          'DecisionReceived',
          'The workflow did not answer in time; the decision is stored and applied later',
        ),
        '400': error('BadRequest'),
        '401': error('Unauthorized'),
        '403': error('Forbidden'),
        '404': error('NotFound'),
        '409': error('Conflict'),
        '503': error('Unavailable'),
      },
    }),
  },
  '/v1/approvals/{ticketId}/withdraw': {
    post: operation('ticket-system, admin', {
      operationId: 'withdrawApproval',
      tags: ['approvals'],
      summary: 'Withdraw a pending approval (changes nothing once decided)',
      parameters: [ticketIdParam, tenantParam],
      requestBody: { required: false, content: { 'application/json': { schema: ref('WithdrawBody') } } },
      responses: {
        '200': json('ApprovalView', 'The approval after the withdrawal'),
        '400': error('BadRequest'),
        '401': error('Unauthorized'),
        '403': error('Forbidden'),
        '404': error('NotFound'),
        '409': error('Conflict'),
        '503': error('Unavailable'),
      },
    }),
  },
  '/v1/tokens': {
    post: operation('admin', {
      operationId: 'createToken',
      tags: ['auth'],
      summary: 'Mint a bearer token for a ticket system or an approver (shown once)',
      requestBody: { required: true, content: { 'application/json': { schema: ref('CreateTokenRequest') } } },
      responses: {
        '201': json('CreatedToken', 'The new token; store it now, it is not shown again'),
        '400': error('BadRequest'),
        '401': error('Unauthorized'),
        '403': error('Forbidden'),
      },
    }),
  },
  '/health': {
    get: {
      operationId: 'health',
      tags: ['health'],
      summary: 'Liveness and Temporal reachability (no token)',
      security: [],
      responses: {
        '200': json('HealthReport', 'Temporal answers'),
        '503': json('HealthReport', 'Temporal does not answer'),
      },
    },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('ErrorResponse') } },
});

/** The API's OpenAPI 3.1 document, built from the same zod schemas that validate requests. */
export function buildOpenApiDocument(): OpenAPIObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'approvals-bridge',
      version: '1',
      description:
        'Ticket approvals as durable Temporal workflows, delivered as interactive cards to DingTalk / Feishu / ' +
        'Lark. Every error has the shape `{ "error": { "code", "message", "details"? } }`.',
    },
    security: [{ bearer: [] }],
    paths: { ...paths, ...adminPaths, ...eventPaths, ...tenantPaths },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <token>' } },
      schemas: {
        StartApprovalRequest: jsonSchema(StartApprovalRequest, 'input'),
        DecisionBody: jsonSchema(DecisionBody, 'input'),
        WithdrawBody: jsonSchema(WithdrawBody, 'input'),
        CreateTokenRequest: jsonSchema(CreateTokenRequest, 'input'),
        StartApprovalResponse: jsonSchema(StartApprovalResponse, 'output'),
        ApprovalView: jsonSchema(ApprovalView, 'output'),
        DecideResult: jsonSchema(DecideResultDoc, 'output'),
        DecisionReceived: jsonSchema(DecisionReceived, 'output'),
        CreatedToken: jsonSchema(CreatedToken, 'output'),
        HealthReport: jsonSchema(HealthReport, 'output'),
        ErrorResponse: jsonSchema(ErrorResponse, 'output'),
        ...adminSchemas,
        ...eventSchemas,
        ...tenantSchemas,
      },
      responses: {
        BadRequest: errorResponse(
          'VALIDATION_FAILED (each bad field in `details`), MALFORMED_JSON or UNKNOWN_EVENT (an event the tenant ' +
            'does not know)',
        ),
        Unauthorized: errorResponse('UNAUTHENTICATED: no or unknown bearer token'),
        Forbidden: errorResponse('FORBIDDEN (role), NOT_AN_APPROVER, REQUESTER_CANNOT_DECIDE'),
        NotFound: errorResponse(
          'APPROVAL_NOT_FOUND, CHANNEL_NOT_CONFIGURED, USER_NOT_FOUND, RULE_NOT_FOUND, NO_MATCHING_RULE, ' +
            'EVENT_NOT_FOUND, EVENT_STATE_NOT_FOUND',
        ),
        Conflict: errorResponse(
          'ALREADY_VOTED, DECISION_REJECTED, WITHDRAW_REJECTED, VERSION_CONFLICT (stale rule version), RULE_CONFLICT, ' +
            'EVENT_ID_CONFLICT, EVENT_STATE_RESERVED, EVENT_STATE_IN_USE',
        ),
        Unprocessable: errorResponse(
          'NO_APPROVAL_RULE: no enabled pending_approval rule covers the ticket type (nor a * rule) and the ' +
            'request brings no policy',
        ),
        PreconditionRequired: errorResponse('PRECONDITION_REQUIRED: send If-Match (or `version`) with a rule edit'),
        Internal: errorResponse('SECRETS_KEY_MISSING (a stored secret needs a key not configured), INTERNAL'),
        Unavailable: errorResponse('TEMPORAL_UNAVAILABLE: retry later'),
      },
    },
  };
}
