import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Put, Res } from '@nestjs/common';
import { Roles } from '../auth/auth.decorators.js';
import { ApiError } from '../common/api-error.js';
import { RulesService } from './rules.service.js';
import { CreateRuleRequest, DryRunRequest, RuleId, RuleVersionParam, UpdateRuleRequest } from './rules.schemas.js';
import type { DryRunResult, RuleList, RuleView } from './rules.schemas.js';

/** The little of Express's response the rules need: a status and the ETag (the rule's version). */
interface RuleResponse {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
}

function withEtag(res: RuleResponse, rule: RuleView, status = 200): RuleView {
  res.status(status);
  res.setHeader('ETag', `"${rule.version}"`);
  return rule;
}

/** `"3"`, `W/"3"` or `3` → 3; anything else is a 400 (a wrong precondition must not pass silently). */
function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match)
    throw new ApiError('VALIDATION_FAILED', 'Invalid request: If-Match must be a rule version ETag, e.g. "3"', [
      { path: 'if-match', message: 'expected a version ETag such as "3"' },
    ]);
  return Number(match[1]);
}

@Controller('v1/rules')
@Roles('dba')
export class RulesController {
  constructor(@Inject(RulesService) private readonly rules: RulesService) {}

  @Get()
  list(): Promise<RuleList> {
    return this.rules.list();
  }

  @Post()
  async create(
    @Body({ schema: CreateRuleRequest }) body: CreateRuleRequest,
    @Res({ passthrough: true }) res: RuleResponse,
  ): Promise<RuleView> {
    const created = await this.rules.create(body);
    return withEtag(res, created.body, created.status);
  }

  @Post('dry-run')
  @HttpCode(200)
  dryRun(@Body({ schema: DryRunRequest }) body: DryRunRequest): Promise<DryRunResult> {
    return this.rules.dryRun(body);
  }

  @Get(':id')
  async get(
    @Param('id', { schema: RuleId }) id: string,
    @Res({ passthrough: true }) res: RuleResponse,
  ): Promise<RuleView> {
    return withEtag(res, await this.rules.get(id));
  }

  @Get(':id/versions/:version')
  getVersion(
    @Param('id', { schema: RuleId }) id: string,
    @Param('version', { schema: RuleVersionParam }) version: number,
  ): Promise<RuleView> {
    return this.rules.get(id, version);
  }

  @Put(':id')
  async update(
    @Param('id', { schema: RuleId }) id: string,
    @Body({ schema: UpdateRuleRequest }) body: UpdateRuleRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: RuleResponse,
  ): Promise<RuleView> {
    return withEtag(res, await this.rules.update(id, body, ifMatchVersion(ifMatch)));
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', { schema: RuleId }) id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    return this.rules.delete(id, ifMatchVersion(ifMatch));
  }
}
