import { Agent, request } from 'undici';
import type { ApprovalCard } from '../../src/domain/card.js';
import { renderFeishuCard } from '../../src/channels/feishu/feishu.card.js';
import { SIM_APPS, type FeishuLike } from '../lib/sim.js';

/** Extra tries after the first one, whatever the failure (a fixed count, no backoff, no reading of limit headers). */
export const NAIVE_RETRIES = 3;

export interface NaiveRun {
  /** Recipients whose send succeeded on some try. */
  succeeded: number;
  /** Recipients given up on after 1 + NAIVE_RETRIES tries. */
  gaveUp: number;
  requests: number;
  answered429: number;
  ms: number;
}

/**
 * The sender a typical SQL-audit platform ships: for each recipient, one synchronous POST of the card to the
 * messages API (by email, so no lookup), retried a fixed number of times right away; no quota awareness, no
 * idempotency key, nothing in parallel. It gets its tenant token once, like such senders do at startup.
 */
export class NaiveSender {
  private readonly agent = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  private token = '';

  constructor(
    private readonly simUrl: string,
    private readonly platform: FeishuLike,
  ) {}

  private async post(
    path: string,
    body: unknown,
    token?: string,
  ): Promise<{ status: number; code?: number; json: unknown }> {
    const res = await request(`${this.simUrl}/${this.platform}${path}`, {
      method: 'POST',
      dispatcher: this.agent,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await res.body.json().catch(() => undefined)) as { code?: number } | undefined;
    return { status: res.statusCode, code: json?.code, json };
  }

  async login(): Promise<void> {
    const { appId, appSecret } = SIM_APPS[this.platform];
    const answer = await this.post('/open-apis/auth/v3/tenant_access_token/internal', {
      app_id: appId,
      app_secret: appSecret,
    });
    this.token = (answer.json as { tenant_access_token?: string } | undefined)?.tenant_access_token ?? '';
    if (!this.token) throw new Error(`naive sender: no tenant token (HTTP ${answer.status})`);
  }

  /** Sends the card to every email, one after the other; `onEach` sees progress. */
  async sendAll(emails: readonly string[], card: ApprovalCard, onEach?: (done: number) => void): Promise<NaiveRun> {
    const content = JSON.stringify(renderFeishuCard(card, {}));
    const run: NaiveRun = { succeeded: 0, gaveUp: 0, requests: 0, answered429: 0, ms: 0 };
    const started = Date.now();
    for (const [i, email] of emails.entries()) {
      let ok = false;
      for (let attempt = 0; attempt <= NAIVE_RETRIES && !ok; attempt++) {
        const answer = await this.post(
          '/open-apis/im/v1/messages?receive_id_type=email',
          { receive_id: email, msg_type: 'interactive', content },
          this.token,
        );
        run.requests++;
        if (answer.status === 429) run.answered429++;
        ok = answer.status === 200 && answer.code === 0;
      }
      if (ok) run.succeeded++;
      else run.gaveUp++;
      onEach?.(i + 1);
    }
    run.ms = Date.now() - started;
    return run;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** The card the naive sender posts: the same rendering (and so the same size) as the workflow's cards. */
export function sampleCard(ticketId: string): ApprovalCard {
  return {
    tenant: 'default',
    ticketId,
    ticketType: 'ticket.data_export',
    title: `Export orders (${ticketId})`,
    requesterName: 'Bench Requester',
    fields: [
      { label: 'Database', value: 'orders_prod' },
      { label: 'Rows', value: '12,000' },
    ],
    deadlineAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
    status: 'pending',
    level: 1,
    nonce: 'naive-sender-has-no-nonce',
  };
}
