import { randomUUID } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { ChannelError } from '../../channels/channel-error.js';
import { parseDingtalkConfig } from '../../channels/dingtalk/dingtalk.config.js';
import { httpError, transportError } from '../../channels/dingtalk/dingtalk.errors.js';
import { parseFeishuConfig } from '../../channels/feishu/feishu.config.js';
import { TenantTokenSource } from '../../channels/feishu/feishu.token.js';
import type { ChannelProvider } from '../../channels/provider.js';
import type { ChannelKind } from '../../domain/channel.js';
import type { ApprovalCard } from '../../domain/card.js';
import type { User } from '../../domain/user.js';

const DingtalkToken = z.object({ accessToken: z.string().min(1) });

/** Fetches an access token with the channel's credentials: the cheapest call that proves them right. */
export async function fetchAccessToken(kind: ChannelKind, config: unknown, dispatcher: Dispatcher): Promise<void> {
  if (kind === 'feishu' || kind === 'lark') {
    const c = parseFeishuConfig(kind, config);
    const source = new TenantTokenSource({
      platform: kind === 'lark' ? 'Lark' : 'Feishu',
      baseUrl: c.baseUrl,
      appId: c.appId,
      appSecret: c.appSecret,
      dispatcher,
      timeoutMs: c.requestTimeoutMs,
      now: Date.now,
    });
    await source.get();
    return;
  }
  const c = parseDingtalkConfig(kind, config);
  const path = '/v1.0/oauth2/accessToken';
  let reply: Dispatcher.ResponseData;
  try {
    reply = await request(`${c.apiBaseUrl.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appKey: c.appKey, appSecret: c.appSecret }),
    });
  } catch (err) {
    throw transportError(err, path);
  }
  const body: unknown = await reply.body.json().catch(() => undefined);
  if (reply.statusCode >= 400) throw httpError(reply.statusCode, body);
  if (!DingtalkToken.safeParse(body).success) throw new ChannelError('TRANSIENT', `${path}: unexpected answer`);
}

/**
 * A card that says it is a test and carries no buttons (it is rendered in a final state), so nobody can act on it.
 */
export function testCard(kind: ChannelKind, now: Date): ApprovalCard {
  return {
    tenant: 'default',
    ticketId: `channel-test-${now.getTime()}`,
    ticketType: 'channel.test',
    title: `Test card from approvals-bridge (${kind})`,
    requesterName: 'approvals-bridge',
    fields: [{ label: 'Purpose', value: 'Checks that approval cards reach you on this channel' }],
    deadlineAt: new Date(now.getTime() + 3600_000).toISOString(),
    status: 'withdrawn',
    level: 1,
    reason: 'This is a test card: the channel works. Nothing to approve.',
    nonce: randomUUID(),
  };
}

/** Resolves the user on the platform and sends them the test card. */
export async function sendTestCard(
  provider: ChannelProvider,
  user: User,
  now: Date,
): Promise<{ platformUserId: string; cardRef: string }> {
  const platformUserId = await provider.resolveUser({ mobile: user.mobile, email: user.email });
  const { cardRef } = await provider.sendCard({
    recipient: { userId: user.id, name: user.name, platformUserId },
    card: testCard(provider.kind, now),
    idempotencyKey: `channel-test-${randomUUID()}`,
  });
  return { platformUserId, cardRef };
}

/** A failure as the test result shows it: a code and a message that never carry a secret. */
export function describeFailure(err: unknown): { code: string; message: string } {
  if (err instanceof ChannelError) return { code: err.code, message: err.message };
  if (err instanceof Error && err.message.startsWith('Invalid '))
    return { code: 'INVALID_CONFIG', message: err.message };
  return { code: 'UNEXPECTED', message: 'the check failed unexpectedly' };
}
