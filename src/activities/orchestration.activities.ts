import { cancellationSignal } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Dispatcher } from 'undici';
import { countingCalls } from '../channels/call-observer.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import type { PolicySource, UserDirectory } from '../store/ports.js';
import type { NoticeOrchestrationActivities, OrchestrationActivities } from './contract.js';
import { planNotice, type ApproverLookup } from './notice-plan.js';
import { resolveRecipients } from './recipients.js';
import { approversFromTemporal } from './ticket-approvers.js';
import { notifyTicketSystem } from './webhook.js';

export interface OrchestrationDeps {
  policies: PolicySource;
  directory: UserDirectory;
  channels: ChannelProviderRegistry;
  /** Signs outcome webhooks; kept out of workflow history. */
  webhookSecret?: string;
  dispatcher?: Dispatcher;
  /** Reads a ticket's approvers for events that tell them (default: its approval run, with the worker's client). */
  approvers?: ApproverLookup;
}

/** Activities that run on the orchestration task queue, built over injected dependencies. */
export function createOrchestrationActivities(
  deps: OrchestrationDeps,
): OrchestrationActivities & NoticeOrchestrationActivities {
  const approvers = deps.approvers ?? approversFromTemporal();
  return {
    // The notices of the approval's own transitions are pinned with its policy, even when the request brings one.
    async loadPolicy({ tenant, ticketType, override }) {
      const policy = override ?? (await deps.policies.forTicketType(tenant, ticketType));
      if (!policy) {
        throw ApplicationFailure.create({
          type: 'NO_POLICY',
          message: `no approval policy for ticket type ${ticketType} and no default policy`,
          nonRetryable: true,
        });
      }
      const notices = await deps.policies.noticesFor?.(tenant, ticketType);
      return notices && Object.keys(notices).length > 0 ? { ...policy, notices } : policy;
    },
    // Lookups cost platform calls (and tokens): reported with the result so the approval can total them.
    async resolveRecipients(input) {
      const { result, calls } = await countingCalls(() => resolveRecipients(deps, input));
      return { ...result, calls };
    },
    // Like approvers, the people a notice is for may need platform lookups: counted the same way.
    async planNotice(input) {
      const plan = { directory: deps.directory, channels: deps.channels, approvers };
      const { result, calls } = await countingCalls(() => planNotice(plan, input));
      return { ...result, calls };
    },
    notifyTicketSystem: (input) =>
      notifyTicketSystem(
        { secret: deps.webhookSecret, dispatcher: deps.dispatcher, signal: cancellationSignal() },
        input,
      ),
  };
}
