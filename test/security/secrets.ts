import type { Client } from '@temporalio/client';
import { SANDBOX_APPS, type TestSimulator } from '../support/simulator.js';

/**
 * Every secret a sandbox stack holds: the sandbox apps' (sim/core/seed.ts, src/service/sandbox-channels.ts), the
 * platform access tokens the simulator issued, and the ones given (admin token, webhook secret, minted tokens).
 */
export function secretsOf(sim: TestSimulator, own: string[]): string[] {
  const apps = Object.values(SANDBOX_APPS).flatMap((app) => [
    app.appSecret,
    ...('verificationToken' in app ? [app.verificationToken] : []),
    ...('encryptKey' in app ? [app.encryptKey] : []),
  ]);
  const apiSecrets = ['sim-dingtalk-callback-api-secret', 'sim-dingtalk-exclusive-callback-api-secret'];
  // The simulator's token store is private: read it as data.
  const issued = (sim.core.tokens as unknown as { tokens: Map<string, unknown> }).tokens;
  return [...apps, ...apiSecrets, ...issued.keys(), ...own];
}

/** The full history of every run in the namespace, read back from the server, payloads as the text they hold. */
export async function allHistories(client: Client): Promise<string[]> {
  const histories: string[] = [];
  for await (const wf of client.workflow.list()) {
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    histories.push(
      JSON.stringify(history, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v)),
    );
  }
  return histories;
}
