import type { OpenAPIObject, OperationObject, SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import {
  ChannelKindParam,
  ChannelList,
  ChannelTestRequest,
  ChannelTestResult,
  ChannelView,
  PutChannelRequest,
  RotateSecretsResult,
} from '../channels/channels.schemas.js';
import {
  CreateRuleRequest,
  DryRunRequest,
  DryRunResult,
  RuleId,
  RuleList,
  RuleVersionParam,
  RuleView,
  UpdateRuleRequest,
} from '../rules/rules.schemas.js';
import { PutUserRequest, UserIdParam, UserList, UserView } from '../users/users.schemas.js';
import { body, denied, error, json, jsonSchema, op, param } from './openapi-helpers.js';

/** The admin API's part of the OpenAPI document (channels, users, rules, secrets), from the same zod schemas. */

const kind = param('kind', ChannelKindParam);
const userId = param('id', UserIdParam);
const ruleId = param('id', RuleId);
const ifMatch = param(
  'If-Match',
  z.string().meta({ description: 'The ETag of the version you edited, e.g. "3"' }),
  'header',
  false,
);
const dba = (tag: string, o: OperationObject) => op(tag, 'admin, dba', o);

export const adminPaths: OpenAPIObject['paths'] = {
  '/v1/channels': {
    get: dba('channels', {
      operationId: 'listChannels',
      summary: 'Every channel kind: configured or not, enabled or not, secrets masked, the callback URL',
      responses: { '200': json('ChannelList', 'The four channel kinds'), ...denied },
    }),
  },
  '/v1/channels/{kind}': {
    get: dba('channels', {
      operationId: 'getChannel',
      summary: 'One channel (secrets masked)',
      parameters: [kind],
      responses: { '200': json('ChannelView', 'The channel'), '400': error('BadRequest'), ...denied },
    }),
    put: dba('channels', {
      operationId: 'putChannel',
      summary: "Create or replace a channel's config (secrets write-only: leave out or send the mask to keep them)",
      description:
        "The body is the kind's config, told apart by `kind`. A new channel starts disabled (it notifies nobody) " +
        'unless `enabled` is true. Secrets are encrypted at rest (AES-256-GCM) and never returned.',
      parameters: [kind],
      requestBody: body('PutChannelRequest'),
      responses: {
        '201': json('ChannelView', 'Created'),
        '200': json('ChannelView', 'Replaced'),
        '400': error('BadRequest'),
        ...denied,
      },
    }),
  },
  '/v1/channels/{kind}/enable': {
    post: dba('channels', {
      operationId: 'enableChannel',
      summary: 'Start notifying on this channel',
      parameters: [kind],
      responses: { '200': json('ChannelView', 'Enabled'), ...denied, '404': error('NotFound') },
    }),
  },
  '/v1/channels/{kind}/disable': {
    post: dba('channels', {
      operationId: 'disableChannel',
      summary: 'Stop notifying on this channel',
      parameters: [kind],
      responses: { '200': json('ChannelView', 'Disabled'), ...denied, '404': error('NotFound') },
    }),
  },
  '/v1/channels/{kind}/test': {
    post: dba('channels', {
      operationId: 'testChannel',
      summary: 'Check the credentials (fetch a token); with `userId`, also send that user a test card',
      parameters: [kind],
      requestBody: body('ChannelTestRequest', false),
      responses: {
        '200': json('ChannelTestResult', 'What worked and what did not'),
        ...denied,
        '404': error('NotFound'),
      },
    }),
  },
  '/v1/secrets/rotate': {
    post: op('channels', 'admin', {
      operationId: 'rotateSecrets',
      summary: 'Re-encrypt every stored secret under the active key (after adding a new SECRETS_MASTER_KEY)',
      responses: { '200': json('RotateSecretsResult', 'Re-encrypted'), ...denied, '500': error('Internal') },
    }),
  },
  '/v1/users': {
    get: dba('users', {
      operationId: 'listUsers',
      summary: 'Every user',
      responses: { '200': json('UserList', 'The users'), ...denied },
    }),
  },
  '/v1/users/{id}': {
    get: dba('users', {
      operationId: 'getUser',
      summary: 'One user, with the platform ids resolved for them and their age',
      parameters: [userId],
      responses: { '200': json('UserView', 'The user'), ...denied, '404': error('NotFound') },
    }),
    put: dba('users', {
      operationId: 'putUser',
      summary: 'Create or replace a user (roles, contacts, per-channel notification switches)',
      parameters: [userId],
      requestBody: body('PutUserRequest'),
      responses: {
        '201': json('UserView', 'Created'),
        '200': json('UserView', 'Replaced'),
        '400': error('BadRequest'),
        ...denied,
      },
    }),
    delete: dba('users', {
      operationId: 'deleteUser',
      summary: 'Delete a user',
      parameters: [userId],
      responses: { '204': { description: 'Deleted' }, ...denied, '404': error('NotFound') },
    }),
  },
  '/v1/rules': {
    get: dba('rules', {
      operationId: 'listRules',
      summary: 'Every live rule at its current version',
      responses: { '200': json('RuleList', 'The rules'), ...denied },
    }),
    post: dba('rules', {
      operationId: 'createRule',
      summary: 'Create a notification rule (version 1; ETag "1")',
      requestBody: body('CreateRuleRequest'),
      responses: {
        '201': json('RuleView', 'Created'),
        '400': error('BadRequest'),
        ...denied,
        '409': error('Conflict'),
      },
    }),
  },
  '/v1/rules/dry-run': {
    post: dba('rules', {
      operationId: 'dryRunRule',
      summary: 'What an approval of this ticket would do now: who is asked where, when, and who cannot be reached',
      requestBody: body('DryRunRequest'),
      responses: {
        '200': json('DryRunResult', 'The plan'),
        '400': error('BadRequest'),
        ...denied,
        '404': error('NotFound'),
      },
    }),
  },
  '/v1/rules/{id}': {
    get: dba('rules', {
      operationId: 'getRule',
      summary: 'A rule at its current version (ETag: the version)',
      parameters: [ruleId],
      responses: { '200': json('RuleView', 'The rule'), ...denied, '404': error('NotFound') },
    }),
    put: dba('rules', {
      operationId: 'updateRule',
      summary: 'Write the next version of a rule; approvals already running keep the version they started with',
      description:
        'Send the version you edited as If-Match (or `version`): 409 when someone changed it since, 428 without.',
      parameters: [ruleId, ifMatch],
      requestBody: body('UpdateRuleRequest'),
      responses: {
        '200': json('RuleView', 'The new version'),
        '400': error('BadRequest'),
        ...denied,
        '404': error('NotFound'),
        '409': error('Conflict'),
        '428': error('PreconditionRequired'),
      },
    }),
    delete: dba('rules', {
      operationId: 'deleteRule',
      summary: 'Retire a rule (its versions stay for the approvals that follow them)',
      parameters: [ruleId, ifMatch],
      responses: { '204': { description: 'Retired' }, ...denied, '404': error('NotFound'), '409': error('Conflict') },
    }),
  },
  '/v1/rules/{id}/versions/{version}': {
    get: dba('rules', {
      operationId: 'getRuleVersion',
      summary: 'One version of a rule (what an approval with that ruleVersion follows)',
      parameters: [ruleId, param('version', RuleVersionParam)],
      responses: { '200': json('RuleView', 'That version'), ...denied, '404': error('NotFound') },
    }),
  },
};

export const adminSchemas: Record<string, SchemaObject> = {
  PutChannelRequest: jsonSchema(PutChannelRequest, 'input'),
  ChannelView: jsonSchema(ChannelView, 'output'),
  ChannelList: jsonSchema(ChannelList, 'output'),
  ChannelTestRequest: jsonSchema(ChannelTestRequest, 'input'),
  ChannelTestResult: jsonSchema(ChannelTestResult, 'output'),
  RotateSecretsResult: jsonSchema(RotateSecretsResult, 'output'),
  PutUserRequest: jsonSchema(PutUserRequest, 'input'),
  UserView: jsonSchema(UserView, 'output'),
  UserList: jsonSchema(UserList, 'output'),
  CreateRuleRequest: jsonSchema(CreateRuleRequest, 'input'),
  UpdateRuleRequest: jsonSchema(UpdateRuleRequest, 'input'),
  RuleView: jsonSchema(RuleView, 'output'),
  RuleList: jsonSchema(RuleList, 'output'),
  DryRunRequest: jsonSchema(DryRunRequest, 'input'),
  DryRunResult: jsonSchema(DryRunResult, 'output'),
};
