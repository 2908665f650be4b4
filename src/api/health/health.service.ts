import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { HttpResult } from '../common/http-result.js';
import { TEMPORAL_CLIENT } from '../common/temporal.module.js';
import { CALLBACK_CONNECTIONS } from '../callbacks/stream/callback-connections.module.js';
import type { CallbackConnections } from '../callbacks/stream/callback-connections.js';
import type { HealthReport } from './health.schemas.js';

// Short: a load balancer probes often, and a healthy frontend answers GetSystemInfo in milliseconds.
const PROBE_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(CALLBACK_CONNECTIONS) private readonly connections: CallbackConnections,
  ) {}

  /**
   * 200 when the Temporal frontend answers, 503 when it does not. A callback connection that is down does not make
   * the replica unhealthy (it still serves the API and HTTP callbacks, and the platform sends clicks to the replicas
   * that are connected); it is reported for operators.
   */
  async check(): Promise<HttpResult<HealthReport>> {
    const up = await this.client
      .withDeadline(Date.now() + PROBE_TIMEOUT_MS, () => this.client.workflowService.getSystemInfo({}))
      .then(
        () => true,
        () => false,
      );
    const callbackConnections = this.connections.statuses();
    return up
      ? { status: 200, body: { status: 'ok', temporal: 'up', callbackConnections } }
      : { status: 503, body: { status: 'degraded', temporal: 'down', callbackConnections } };
  }
}
