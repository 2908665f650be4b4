import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { Agent } from 'undici';
import type { ChannelProviderRegistry } from '../../channels/provider.js';
import { createChannelRegistry } from '../../channels/registry.js';
import { STORE } from '../../db/database.module.js';
import { cachedResolution, dbChannelSource, dbUserDirectory } from '../../db/db-ports.js';
import type { RuleRecord } from '../../db/rules.repo.js';
import type { Store } from '../../db/store.js';
import { Rule, ruleToPolicy, ruleVersionTag } from '../../domain/rule.js';
import { ApiError } from '../common/api-error.js';
import type { HttpResult } from '../common/http-result.js';
import { storeCall } from '../common/store-errors.js';
import { dryRun } from './dry-run.js';
import type {
  CreateRuleRequest,
  DryRunRequest,
  DryRunResult,
  RuleList,
  RuleView,
  UpdateRuleRequest,
} from './rules.schemas.js';

/** Rules over the store: every change a new version, guarded by the version the editor read. */
@Injectable()
export class RulesService implements OnModuleDestroy {
  // Dry runs look platform ids up like the worker: one pool, providers kept until their channel config changes.
  private readonly dispatcher = new Agent({ headersTimeout: 10_000, bodyTimeout: 10_000 });
  private readonly channels: ChannelProviderRegistry;

  constructor(@Inject(STORE) private readonly store: Store) {
    const registry = createChannelRegistry(dbChannelSource(store.channels), this.dispatcher);
    this.channels = cachedResolution(registry, store.platformIds);
  }

  async onModuleDestroy(): Promise<void> {
    await this.dispatcher.close();
  }

  async list(): Promise<RuleList> {
    return { rules: (await this.store.rules.list()).map(view) };
  }

  async get(id: string, version?: number): Promise<RuleView> {
    const found = await this.store.rules.get(id, version);
    if (!found)
      throw new ApiError('RULE_NOT_FOUND', version ? `rule ${id} has no version ${version}` : `no rule ${id}`);
    return view(found);
  }

  async create(body: CreateRuleRequest): Promise<HttpResult<RuleView>> {
    const { id, ...spec } = body;
    const created = await storeCall(() => this.store.rules.create(Rule.parse(spec), ...(id ? [id] : [])));
    return { status: 201, body: view(created) };
  }

  async update(id: string, body: UpdateRuleRequest, ifMatch: number | undefined): Promise<RuleView> {
    const { version, ...spec } = body;
    const expected = ifMatch ?? version;
    if (expected === undefined) {
      throw new ApiError('PRECONDITION_REQUIRED', 'Send the version you edited: an If-Match header or "version"');
    }
    return view(await storeCall(() => this.store.rules.update(id, Rule.parse(spec), expected), 'RULE_NOT_FOUND'));
  }

  async delete(id: string, ifMatch: number | undefined): Promise<void> {
    await storeCall(() => this.store.rules.delete(id, ifMatch), 'RULE_NOT_FOUND');
  }

  async dryRun(body: DryRunRequest): Promise<DryRunResult> {
    const { tenant, ticketType, requester } = body.ticket;
    const stored = body.rule ? undefined : await this.store.rules.forTicket(tenant, ticketType);
    const rule = body.rule ?? stored?.rule;
    if (!rule)
      throw new ApiError('NO_MATCHING_RULE', `no enabled rule matches ${ticketType} (nor a * rule) in ${tenant}`);
    const tag = stored ? ruleVersionTag(stored.id, stored.version) : undefined;
    const deps = { directory: dbUserDirectory(this.store.users), channels: this.channels, resolve: body.resolve };
    const answer = await dryRun(deps, ruleToPolicy(rule), requester.userId, Date.now());
    return { source: stored ? 'rule' : 'draft', ...(tag ? { ruleVersion: tag } : {}), ...answer };
  }
}

function view(record: RuleRecord): RuleView {
  return {
    id: record.id,
    version: record.version,
    ruleVersion: ruleVersionTag(record.id, record.version),
    ...record.rule,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
