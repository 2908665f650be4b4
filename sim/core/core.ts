import { AppRegistry } from './apps.js';
import { CallbackPoster } from './callbacks.js';
import { ClickRegistry } from './clicks.js';
import { FaultQueue, sleep, type SimFault } from './faults.js';
import { GroupDirectory } from './groups.js';
import { IdempotencyStore } from './idempotency.js';
import { Inbox } from './inbox.js';
import { QuotaCounter, RateLimiter } from './limits.js';
import { RequestLog } from './request-log.js';
import type { SimRequest } from './route.js';
import { seedSandbox } from './seed.js';
import { StreamHub } from './stream-hub.js';
import { TokenStore } from './tokens.js';
import { systemClock, type SimClock, type SimPlatform } from './types.js';
import { UserDirectory } from './users.js';

/** Settings the control API can change at runtime (`PATCH /_sim/config`). */
export interface SimConfig {
  /** Lifetime of newly issued access tokens (Feishu and DingTalk both use 7200 s). */
  tokenTtlSeconds: number;
  /** How long a platform waits for an app's callback answer (Feishu: 3 s). */
  callbackTimeoutMs: number;
  /** DingTalk Stream: how often the gateway sends a SYSTEM `ping` on each connection. */
  streamPingIntervalMs: number;
  /** Feishu / Lark long connection: `PingInterval` (s) handed to clients in ClientConfig and every pong. */
  wsPingIntervalSeconds: number;
  /** Feishu / Lark: split data-frame payloads larger than this into `sum` frames; 0 = never split. */
  wsSplitPayloadBytes: number;
}

const DEFAULT_CONFIG: SimConfig = {
  tokenTtlSeconds: 7200,
  callbackTimeoutMs: 3000,
  streamPingIntervalMs: 10_000,
  wsPingIntervalSeconds: 120,
  wsSplitPayloadBytes: 0,
};

export interface SimCoreOptions {
  clock?: SimClock;
  /** Start with the sandbox apps and users (default true). */
  seed?: boolean;
  config?: Partial<SimConfig>;
}

/** The shared services every platform module builds on. One instance per simulator. */
export class SimCore {
  readonly clock: SimClock;
  readonly apps = new AppRegistry();
  readonly users = new UserDirectory();
  /** Group conversations (DingTalk IM_GROUP spaces): members and robots; created over the control API. */
  readonly groups = new GroupDirectory();
  readonly tokens: TokenStore;
  readonly limiter: RateLimiter;
  readonly quota: QuotaCounter;
  readonly faults = new FaultQueue();
  readonly inbox: Inbox;
  readonly idempotency: IdempotencyStore;
  readonly log: RequestLog;
  readonly callbacks = new CallbackPoster();
  readonly clicks = new ClickRegistry();
  /** Long connections (DingTalk Stream, Feishu / Lark WebSocket) and their connect tickets. */
  readonly streams: StreamHub;
  readonly config: SimConfig;
  private readonly resetHooks: (() => void)[] = [];
  private readonly seed: boolean;
  private readonly initialConfig: SimConfig;

  constructor(options: SimCoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.tokens = new TokenStore(this.clock);
    this.limiter = new RateLimiter(this.clock);
    this.quota = new QuotaCounter(this.clock);
    this.inbox = new Inbox(this.clock);
    this.idempotency = new IdempotencyStore(this.clock);
    this.log = new RequestLog(this.clock);
    this.streams = new StreamHub(this.clock);
    this.initialConfig = { ...DEFAULT_CONFIG, ...options.config };
    this.config = { ...this.initialConfig };
    this.seed = options.seed ?? true;
    this.reset();
  }

  /** Platform modules register extra seeding here; it runs now and after every reset. */
  onReset(hook: () => void): void {
    this.resetHooks.push(hook);
    hook();
  }

  /**
   * Back to the initial state: seeded apps and users, no groups, tokens, messages, faults, limits or log, and no
   * long connections (every socket is closed).
   */
  reset(): void {
    this.streams.clear();
    for (const store of [this.apps, this.users, this.groups, this.tokens, this.limiter, this.faults, this.inbox])
      store.clear();
    this.idempotency.clear();
    this.log.clear();
    Object.assign(this.config, this.initialConfig);
    this.tokens.ttlSeconds = this.config.tokenTtlSeconds;
    if (this.seed) seedSandbox(this.apps, this.users);
    for (const hook of this.resetHooks) hook();
  }

  applyConfig(patch: Partial<SimConfig>): SimConfig {
    Object.assign(this.config, patch);
    this.tokens.ttlSeconds = this.config.tokenTtlSeconds;
    return this.config;
  }

  /**
   * Consume the first injected fault matching the request. `delay` faults are applied here (the request then
   * proceeds normally); any other kind is returned for the platform module to answer in its own wire format.
   */
  async takeFault(platform: SimPlatform, req: SimRequest): Promise<SimFault | undefined> {
    const fault = this.faults.take(platform, req.method, req.path);
    if (fault?.kind !== 'delay') return fault;
    await sleep(fault.delayMs ?? 0);
    return undefined;
  }

  close(): Promise<void> {
    this.streams.clear();
    return this.callbacks.close();
  }
}
