import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { API_METRICS } from './metric-names.js';

/**
 * The API's Prometheus series. One registry per app (not prom-client's global one), so several apps in one
 * process (tests) never collide. Features record through these methods; GET /metrics renders the registry.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly callbackDuration = new Histogram({
    name: API_METRICS.callbackDuration,
    help: 'Time from a platform card callback arriving to its answer',
    labelNames: ['platform', 'outcome'],
    // Platforms wait ~3 s for an answer: resolution where it matters.
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 5],
    registers: [this.registry],
  });
  private readonly decisions = new Counter({
    name: API_METRICS.decisions,
    help: 'Decisions received, by source (api or the platform of a card click) and outcome',
    labelNames: ['via', 'outcome'],
    registers: [this.registry],
  });
  private readonly started = new Counter({
    name: API_METRICS.started,
    help: 'Approval start requests, by result',
    labelNames: ['result'],
    registers: [this.registry],
  });

  private readonly streamUp = new Gauge({
    name: API_METRICS.streamConnected,
    help: 'Whether the callback connection (DingTalk Stream, Feishu / Lark long connection) is open, per platform',
    labelNames: ['platform'],
    registers: [this.registry],
  });
  private readonly streamReconnects = new Counter({
    name: API_METRICS.streamReconnects,
    help: 'Callback connections opened again after a drop or a platform-requested reconnect, per platform',
    labelNames: ['platform'],
    registers: [this.registry],
  });
  private readonly streamFrames = new Counter({
    name: API_METRICS.streamCallbacks,
    help: 'Callback frames that arrived over a connection, per platform and outcome (received, ignored)',
    labelNames: ['platform', 'outcome'],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** A platform callback answered after `ms`; `outcome` e.g. applied, already_decided, rejected, invalid. */
  observeCallback(platform: string, ms: number, outcome: string): void {
    this.callbackDuration.observe({ platform, outcome }, ms / 1000);
  }

  /** `via`: `api`, or the platform a card click came from; `outcome`: applied, already_decided, received, rejected. */
  decision(via: string, outcome: string): void {
    this.decisions.inc({ via, outcome });
  }

  streamConnected(platform: string, up: boolean, reconnected: boolean): void {
    this.streamUp.set({ platform }, up ? 1 : 0);
    if (reconnected) this.streamReconnects.inc({ platform });
  }

  streamFrame(platform: string, outcome: 'received' | 'ignored'): void {
    this.streamFrames.inc({ platform, outcome });
  }

  approvalStarted(created: boolean): void {
    this.started.inc({ result: created ? 'created' : 'existing' });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
