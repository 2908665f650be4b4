import { randomBytes } from 'node:crypto';
import type { SimClock, SimPlatform } from './types.js';

/** Both gateways hand out a connect ticket that is good for one WebSocket upgrade within 90 s. */
export const TICKET_TTL_MS = 90_000;

export interface SimTicket {
  platform: SimPlatform;
  appId: string;
  /** Gateway-specific state the connection inherits (DingTalk subscriptions, Feishu service_id). */
  meta: Record<string, unknown>;
}

/** Single-use connect tickets; time comes from the sim clock so tests can expire them without sleeping. */
export class TicketBook {
  private readonly tickets = new Map<string, SimTicket & { expiresAt: number }>();

  constructor(private readonly clock: SimClock) {}

  issue(ticket: SimTicket): string {
    const id = randomBytes(24).toString('base64url');
    this.tickets.set(id, { ...ticket, expiresAt: this.clock.now() + TICKET_TTL_MS });
    return id;
  }

  /** The ticket's grant, once: a ticket of another platform, used or expired is as good as unknown. */
  take(platform: SimPlatform, id: string | null): SimTicket | undefined {
    const found = id === null ? undefined : this.tickets.get(id);
    if (!found || found.platform !== platform) return undefined;
    this.tickets.delete(id ?? '');
    if (found.expiresAt <= this.clock.now()) return undefined;
    return { platform: found.platform, appId: found.appId, meta: found.meta };
  }

  clear(): void {
    this.tickets.clear();
  }
}
