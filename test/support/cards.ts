/**
 * Small fixtures shared by the channel, card and simulator tests: a pending approval card and a polling helper.
 */
import assert from 'node:assert/strict';
import type { ApprovalCard } from '../../src/domain/card.js';

/** A pending level-1 approval card; each test file overrides what its assertions name (ticket, title, nonce...). */
export function createTestCard(overrides: Partial<ApprovalCard> = {}): ApprovalCard {
  return {
    tenant: 'acme',
    ticketId: 'T-42',
    ticketType: 'ticket.data_export',
    title: 'Export orders table',
    requesterName: 'Alice Requester',
    fields: [{ label: 'Database', value: 'orders' }],
    deadlineAt: '2030-01-16T12:00:00.000Z',
    status: 'pending',
    level: 1,
    nonce: 'nonce-bob-1',
    ...overrides,
  };
}

/** Polls a condition with a deadline (no fixed sleeps). */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
