import { cancellationSignal } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Dispatcher } from 'undici';
import { countingCalls } from '../channels/call-observer.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import type { PolicySource, UserDirectory } from '../store/ports.js';
import type { OrchestrationActivities } from './contract.js';
import { resolveRecipients } from './recipients.js';
import { notifyTicketSystem } from './webhook.js';

export interface OrchestrationDeps {
  policies: PolicySource;
  directory: UserDirectory;
  channels: ChannelProviderRegistry;
  /** Signs outcome webhooks; kept out of workflow history. */
  webhookSecret?: string;
  dispatcher?: Dispatcher;
}

/** Activities that run on the orchestration task queue, built over injected dependencies. */
export function createOrchestrationActivities(deps: OrchestrationDeps): OrchestrationActivities {
  return {
    async loadPolicy({ tenant, ticketType, override }) {
      if (override) return override;
      const policy = await deps.policies.forTicketType(tenant, ticketType);
      if (!policy) {
        throw ApplicationFailure.create({
          type: 'NO_POLICY',
          message: `no approval policy for ticket type ${ticketType} and no default policy`,
          nonRetryable: true,
        });
      }
      return policy;
    },
    // Lookups cost platform calls (and tokens): reported with the result so the approval can total them.
    async resolveRecipients(input) {
      const { result, calls } = await countingCalls(() => resolveRecipients(deps, input));
      return { ...result, calls };
    },
    notifyTicketSystem: (input) =>
      notifyTicketSystem(
        { secret: deps.webhookSecret, dispatcher: deps.dispatcher, signal: cancellationSignal() },
        input,
      ),
  };
}
