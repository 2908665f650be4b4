import { progress, until } from '../lib/progress.js';
import { median } from '../lib/stats.js';
import type { BenchStack } from '../stack/stack.js';
import {
  approvalState,
  createSimUsers,
  newGroup,
  pause,
  startApproval,
  startRequest,
  ticketId,
  type ScenarioResult,
} from './common.js';

export interface DecisionOptions {
  /** Clicks measured (one approval of three cards each). */
  clicks: number;
}

interface Click {
  answerMs: number;
  siblingsMs: number;
}

/**
 * Scenario 3: a click on a Feishu card (the simulator sends the real encrypted, signed callback to the API) and
 * how long until the API answered it, and until every other card of the approval shows the outcome.
 */
export async function decisionScenario(stack: BenchStack, o: DecisionOptions): Promise<ScenarioResult> {
  await stack.resetSim();
  const users = await createSimUsers(stack, newGroup(), 30);
  const clicks = await clickSeries(stack, users, o, 's3');
  // The same clicks with the app on the long connection (issue 19): the API dials out, the click comes back over it.
  await setFeishuCallbackMode(stack, 'stream');
  let streamed: Click[];
  try {
    streamed = await clickSeries(stack, users, o, 's3ws');
  } finally {
    await setFeishuCallbackMode(stack, 'http');
  }
  const ratio = median(streamed.map((c) => c.answerMs)) / median(clicks.map((c) => c.answerMs));
  return {
    id: 'S3',
    title: 'Decision latency',
    metrics: [
      {
        label: 'verified callback answered',
        unit: 'ms',
        values: clicks.map((c) => c.answerMs),
        goal: { kind: 'atMost', value: 150 },
        headline: true,
      },
      {
        label: 'click to every sibling card updated',
        unit: 'ms',
        values: clicks.map((c) => c.siblingsMs),
        goal: { kind: 'atMost', value: 300 },
        headline: true,
      },
      {
        label: 'callback answered over the long connection',
        unit: 'ms',
        values: streamed.map((c) => c.answerMs),
        goal: { kind: 'atMost', value: 150 },
        headline: false,
      },
      {
        label: 'click to every sibling card updated, long connection',
        unit: 'ms',
        values: streamed.map((c) => c.siblingsMs),
        goal: { kind: 'atMost', value: 300 },
        headline: false,
      },
    ],
    notes: [
      `${o.clicks} approvals of 3 Feishu cards each, one after the other; the first recipient presses Approve (\`POST /_sim/click\`): the simulator POSTs the encrypted, signed \`card.action.trigger\` callback to \`/callbacks/feishu\` and times the answer.`,
      "Callback answered = the simulator's own timing of that POST (request sent to answer read). Sibling cards = the other two recipients' cards; updated = the simulator recording the `PATCH` of each; measured from just before the bench asks the simulator to click.",
      'No platform limit in this scenario (the Feishu queue keeps its 50/s, which three updates never reach).',
      `Then the same ${o.clicks} clicks with the Feishu channel in stream mode (\`PUT /v1/channels/feishu\`, callbackMode \`stream\`; the simulator's app on 使用长连接接收回调): the simulator sends the click as a protobuf data frame over the API's WebSocket and times the answering frame. Median answer over the long connection ÷ over HTTP, same run: ${ratio.toFixed(2)}.`,
    ],
  };
}

async function clickSeries(stack: BenchStack, users: string[], o: DecisionOptions, prefix: string) {
  const clicks: Click[] = [];
  for (let i = 0; i < o.clicks; i++) {
    const trio = [0, 1, 2].map((k) => users[((i * 3) % users.length) + k] ?? '');
    clicks.push(await clickOnce(stack, ticketId(prefix, i), trio));
    if ((i + 1) % 10 === 0) progress(`  S3 (${prefix}): ${i + 1}/${o.clicks} clicks`);
    await pause(300);
  }
  return clicks;
}

/** What an admin does over the API; the API then points the simulator's app (its console) the same way. */
async function setFeishuCallbackMode(stack: BenchStack, mode: 'http' | 'stream') {
  type View = { config: Record<string, unknown>; callbackConnection?: { state: string } };
  const current = await stack.apiExpect<View>(200, 'GET', '/v1/channels/feishu');
  const config = { ...current.config, callbackMode: mode };
  await stack.apiExpect(200, 'PUT', '/v1/channels/feishu', { kind: 'feishu', enabled: true, config });
  if (mode === 'http') return stack.pointCallbacks('feishu');
  await until(
    () => stack.apiExpect<View>(200, 'GET', '/v1/channels/feishu'),
    (v) => v.callbackConnection?.state === 'connected',
    30_000,
    50,
    'S3: the long connection is open',
  );
  // The worker reuses a loaded channel config for up to 2 s (CHANNEL_CONFIG_REUSE_MS).
  await pause(2_500);
}

async function clickOnce(stack: BenchStack, id: string, trio: string[]): Promise<Click> {
  await startApproval(stack, startRequest(id, trio, 'feishu'));
  const state = await until(
    () => approvalState(stack, id),
    (s) => s.deliveries.length === 3 && s.deliveries.every((d) => d.status === 'sent'),
    30_000,
    50,
    `S3 ${id}: three cards`,
  );
  const [clicked, ...siblings] = state.deliveries;
  if (!clicked?.cardRef) throw new Error(`S3 ${id}: no card reference`);
  const started = Date.now();
  const result = await stack.sim.click('feishu', clicked.cardRef, clicked.userId);
  if (result.answer.status !== 200 || result.record.clientError) {
    throw new Error(`S3 ${id}: the callback was not answered properly: ${JSON.stringify(result.answer).slice(0, 300)}`);
  }
  const updatedAt = await Promise.all(
    siblings.map(async (d) => {
      const message = await until(
        () => stack.sim.message('feishu', d.cardRef ?? ''),
        (m) => m.history.some((h) => h.source === 'update'),
        30_000,
        10,
        `S3 ${id}: sibling card updated`,
      );
      return message.history.find((h) => h.source === 'update')?.at ?? Number.NaN;
    }),
  );
  return { answerMs: result.answer.durationMs, siblingsMs: Math.max(...updatedAt) - started };
}
