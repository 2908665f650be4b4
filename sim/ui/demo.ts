import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { z } from 'zod';
import { json, parseJsonBody } from '../core/http.js';
import type { PlatformRoute, SimResponse } from '../core/route.js';

/**
 * Where "New demo ticket" starts approvals: OUR API (not a platform), with a `ticket-system` bearer token. Set by
 * `npm start` (SIM_DEMO_API_URL at launch, the token over `PUT /_sim/demo` once the API has minted it) or by tests.
 * Sandbox-only: the token is never shown back.
 */
export interface DemoConfig {
  apiUrl?: string;
  token?: string;
}

/** What the ticket system did with the last demo ticket: it executed it (or failed to), and reports that. */
const ReportBody = z.strictObject({
  ticketId: z.string().min(1).max(64).optional(),
  state: z.enum(['executed', 'execution_failed']).default('executed'),
});

/** Notes a real ticket system would send with each result. */
const NOTES = {
  executed: '12,000 rows exported to orders_q4.csv',
  execution_failed: 'the export stopped: statement timeout after 300 s',
} as const;

const DemoPatch = z.strictObject({
  apiUrl: z.url().optional(),
  token: z.string().min(1).optional(),
});

const API_TIMEOUT_MS = 10_000;

/** A fresh, readable ticket id: the time it was made plus a short random tail. */
function demoTicketId(now = new Date()): string {
  const stamp = now.toISOString().slice(5, 19).replace(/[-:]/g, '').replace('T', '-');
  return `demo-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** The same request the README's curl example sends: a data export Alice asks for, the DBAs approve. */
export function demoTicket(ticketId = demoTicketId()): Record<string, unknown> {
  return {
    ticketId,
    ticketType: 'ticket.data_export',
    title: 'Export the orders table',
    requester: { userId: 'alice', name: 'Alice Chen' },
    fields: [
      { label: 'Database', value: 'orders_prod' },
      { label: 'Rows', value: '12,000' },
      { label: 'Reason', value: 'Quarterly revenue report' },
    ],
  };
}

/**
 * `GET|PUT /_sim/demo` (config), `POST /_sim/demo/ticket` (start one) and `POST /_sim/demo/event` (report that the
 * last demo ticket executed, or failed, as its ticket system would), mounted at `/_sim/demo`.
 */
export function createDemoRoute(initial: DemoConfig = {}): PlatformRoute {
  const config: DemoConfig = { ...initial };
  let last: Record<string, unknown> | undefined;
  const shown = () => ({ apiUrl: config.apiUrl ?? null, tokenSet: Boolean(config.token) });
  return async (req) => {
    if (req.path === '/' && req.method === 'GET') return json(200, shown());
    if (req.path === '/' && req.method === 'PUT') {
      const patch = DemoPatch.safeParse(parseJsonBody(req.rawBody) ?? {});
      if (!patch.success) return json(400, { error: z.prettifyError(patch.error) });
      // The token only ever goes to the URL it was handed over with: a new apiUrl alone drops it.
      const { apiUrl, token } = patch.data;
      if (apiUrl !== undefined && apiUrl !== config.apiUrl && token === undefined) delete config.token;
      Object.assign(config, patch.data);
      return json(200, shown());
    }
    if (req.path === '/ticket' && req.method === 'POST') {
      const ticket = demoTicket();
      const answer = await callApi(config, '/v1/approvals', ticket);
      if (answer.status === 201 || answer.status === 200) last = ticket;
      return answer;
    }
    if (req.path === '/event' && req.method === 'POST') {
      const body = ReportBody.safeParse(parseJsonBody(req.rawBody) ?? {});
      if (!body.success) return json(400, { error: z.prettifyError(body.error) });
      const ticket = body.data.ticketId ? demoTicket(body.data.ticketId) : last;
      if (!ticket) return json(409, { error: 'no demo ticket yet: press "New demo ticket" first' });
      const { state } = body.data;
      const event = { ...ticket, eventId: `${String(ticket.ticketId)}-${state}`, state, note: NOTES[state] };
      return callApi(config, '/v1/events', event);
    }
    return undefined;
  };
}

/** POSTs to OUR API with the demo's ticket-system token, passing its answer on. */
async function callApi(config: DemoConfig, path: string, body: unknown): Promise<SimResponse> {
  if (!config.apiUrl || !config.token) {
    return json(503, {
      error: 'demo tickets are not set up: start the stack with `npm start`, or PUT /_sim/demo {apiUrl, token}',
    });
  }
  try {
    const res = await request(`${config.apiUrl.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
    const text = await res.body.text();
    return json(res.statusCode, parseJsonBody(Buffer.from(text)) ?? { error: text });
  } catch (err) {
    return json(502, { error: `the API at ${config.apiUrl} did not answer: ${(err as Error).message}` });
  }
}
