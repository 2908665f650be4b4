import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { OnModuleDestroy } from '@nestjs/common';
import { Agent } from 'undici';
import type { ChannelProviderRegistry } from '../../channels/provider.js';
import { createChannelRegistry } from '../../channels/registry.js';
import { STORE } from '../../db/database.module.js';
import { cachedResolution, dbChannelSource, dbUserDirectory } from '../../db/db-ports.js';
import type { RuleRecord } from '../../db/rules.repo.js';
import type { Store } from '../../db/store.js';
import { approversFromTemporal } from '../../activities/ticket-approvers.js';
import { isApprovalRule, Rule, ruleToNoticeSpec, ruleToPolicy, ruleVersionTag } from '../../domain/rule.js';
import type { RuleSpec } from '../../domain/rule.js';
import { TEMPORAL_CLIENT } from '../common/temporal.module.js';
import { EventCatalogue } from '../events/event-catalogue.js';
import { ApiError } from '../common/api-error.js';
import type { HttpResult } from '../common/http-result.js';
import { storeCall } from '../common/store-errors.js';
import { dryRun, dryRunNotice } from './dry-run.js';
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

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(EventCatalogue) private readonly catalogue: EventCatalogue,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
  ) {
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
    await this.knownEvent(spec);
    const created = await storeCall(() => this.store.rules.create(Rule.parse(spec), ...(id ? [id] : [])));
    return { status: 201, body: view(created) };
  }

  async update(id: string, body: UpdateRuleRequest, ifMatch: number | undefined): Promise<RuleView> {
    const { version, ...spec } = body;
    const expected = ifMatch ?? version;
    if (expected === undefined) {
      throw new ApiError('PRECONDITION_REQUIRED', 'Send the version you edited: an If-Match header or "version"');
    }
    await this.knownEvent(spec);
    return view(await storeCall(() => this.store.rules.update(id, Rule.parse(spec), expected), 'RULE_NOT_FOUND'));
  }

  async delete(id: string, ifMatch: number | undefined): Promise<void> {
    await storeCall(() => this.store.rules.delete(id, ifMatch), 'RULE_NOT_FOUND');
  }

  /**
   * What an event would do now: for pending_approval who is asked where and when (and who is told of the request);
   * for any other event who is told, on which channels, and who is left out and why.
   */
  async dryRun(body: DryRunRequest): Promise<DryRunResult> {
    const { tenant, ticketType, requester, ticketId } = body.ticket;
    const event = body.event ?? body.rule?.match.event ?? 'pending_approval';
    await this.catalogue.known(tenant, event, 'event');
    const stored = body.rule ? undefined : await this.store.rules.forTicket(tenant, ticketType, event);
    const rule = body.rule ?? stored?.rule;
    if (!rule) {
      throw new ApiError(
        'NO_MATCHING_RULE',
        `no enabled rule matches ${ticketType} × ${event} (nor a * rule) in ${tenant}`,
      );
    }
    const tag = stored ? ruleVersionTag(stored.id, stored.version) : undefined;
    const deps = {
      directory: dbUserDirectory(this.store.users, this.store.tenantSettings),
      channels: this.channels,
      resolve: body.resolve,
    };
    const approval = isApprovalRule(rule)
      ? await dryRun(deps, ruleToPolicy(rule), requester.userId, Date.now())
      : undefined;
    const spec = ruleToNoticeSpec(rule, tag);
    const notice =
      spec &&
      (await dryRunNotice(deps, spec, {
        tenant,
        event,
        requesterId: requester.userId,
        ...(ticketId !== undefined && { ticketId, approvers: approversFromTemporal(() => this.client) }),
        ...(body.approvers && { approverIds: body.approvers }),
        ...(approval && !body.approvers && { approverIds: askedAtFirstLevel(approval) }),
      }));
    return {
      source: stored ? 'rule' : 'draft',
      ...(tag ? { ruleVersion: tag } : {}),
      event,
      ...approval,
      ...(notice && { notice }),
    };
  }

  /** A rule may match only an event its tenant knows (documented, or a state the tenant defined). */
  private async knownEvent(spec: Pick<RuleSpec, 'tenant' | 'match'>): Promise<void> {
    await this.catalogue.known(spec.tenant, spec.match.event, 'match.event');
  }
}

/** The approvers a request's notice leaves out: they get the approval card. */
function askedAtFirstLevel(approval: Awaited<ReturnType<typeof dryRun>>): string[] {
  return approval.levels?.[0]?.recipients.map((r) => r.userId) ?? [];
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
