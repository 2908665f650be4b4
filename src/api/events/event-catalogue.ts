import { Inject, Injectable } from '@nestjs/common';
import { STORE } from '../../db/database.module.js';
import type { Store } from '../../db/store.js';
import { APPROVAL_EVENTS, EVENT_LABELS, isApprovalEvent, isTicketState, TICKET_STATES } from '../../domain/events.js';
import type { CustomEventState } from '../../domain/notice.js';
import { ApiError } from '../common/api-error.js';
import type { HttpResult } from '../common/http-result.js';
import type { EventStateView } from './events.schemas.js';

/**
 * The events a tenant's rules may match and its ticket system may report: the approval's own transitions, the
 * documented ticket states, and the states the tenant defined. Every route that names an event checks it here.
 */
@Injectable()
export class EventCatalogue {
  constructor(@Inject(STORE) private readonly store: Store) {}

  async list(tenant: string): Promise<EventStateView[]> {
    const custom = await this.store.eventStates.list(tenant);
    return [
      ...APPROVAL_EVENTS.map((state) => ({ state, label: EVENT_LABELS[state], source: 'approval' as const })),
      ...TICKET_STATES.map((state) => ({ state, label: EVENT_LABELS[state], source: 'ticket' as const })),
      ...custom.map((c) => ({
        state: c.state,
        label: c.label,
        source: 'tenant' as const,
        ...(c.description !== undefined && { description: c.description }),
      })),
    ];
  }

  /** The event as the catalogue knows it; a 400 naming `path` (and what is known) when it does not. */
  async known(tenant: string, event: string, path: string): Promise<EventStateView> {
    const all = await this.list(tenant);
    const found = all.find((s) => s.state === event);
    if (found) return found;
    const names = all.map((s) => s.state).join(', ');
    throw new ApiError('UNKNOWN_EVENT', `Unknown event "${event}" in tenant ${tenant}`, [
      { path, message: `not a documented event nor one of tenant ${tenant}'s states; known: ${names}` },
    ]);
  }

  /** An event a ticket system may report: a ticket state, documented or the tenant's own (not an approval's). */
  async reportable(tenant: string, event: string): Promise<EventStateView> {
    if (isApprovalEvent(event)) {
      throw new ApiError('UNKNOWN_EVENT', `"${event}" is raised by the approval itself and cannot be reported`, [
        { path: 'state', message: `the approval raises ${APPROVAL_EVENTS.join(', ')}: report ticket states only` },
      ]);
    }
    return this.known(tenant, event, 'state');
  }

  /** Defines (201) or relabels (200) a state of the tenant's own; documented names are reserved. */
  async define(tenant: string, state: string, value: CustomEventState): Promise<HttpResult<EventStateView>> {
    if (isApprovalEvent(state) || isTicketState(state)) {
      throw new ApiError('EVENT_STATE_RESERVED', `"${state}" is a documented event; define states of your own`);
    }
    const { created } = await this.store.eventStates.put(tenant, state, value);
    const view = { state, label: value.label, source: 'tenant' as const };
    const body = value.description !== undefined ? { ...view, description: value.description } : view;
    return { status: created ? 201 : 200, body };
  }

  /** Removes a state of the tenant's own, unless a rule still matches it. */
  async remove(tenant: string, state: string): Promise<void> {
    const rules = await this.store.rules.matching(tenant, state);
    if (rules.length > 0) {
      const message = `"${state}" is matched by rule(s) ${rules.join(', ')}: delete or change them first`;
      throw new ApiError('EVENT_STATE_IN_USE', message);
    }
    if (!(await this.store.eventStates.delete(tenant, state))) {
      throw new ApiError('EVENT_STATE_NOT_FOUND', `Tenant ${tenant} has no state "${state}"`);
    }
  }
}
