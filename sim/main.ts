// The platform simulator as its own program: `tsx sim/main.ts` (port from SIM_PORT, default 3900).
import { startSimServer } from './server.js';

const port = Number(process.env.SIM_PORT ?? 3900);
const host = process.env.SIM_HOST ?? '127.0.0.1';
// Sandbox only: where the inbox page's "New demo ticket" starts approvals (the token can also come later, PUT /_sim/demo).
const demo = { apiUrl: process.env.SIM_DEMO_API_URL || undefined, token: process.env.SIM_DEMO_TOKEN || undefined };
const sim = await startSimServer({ port, host, demo });
console.log(`platform simulator listening on ${sim.url} (inbox page: ${sim.url}/, control API: ${sim.url}/_sim)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
