import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { ChannelConfigSource } from '../../channels/registry.js';
import { CHANNEL_KINDS, type ChannelKind } from '../../domain/channel.js';
import { rootLogger } from '../../logging/logger.js';
import { ApiMetrics } from '../../metrics/api-metrics.js';
import { API_METRICS } from '../../metrics/metric-names.js';
import { usageReport, type UsageReport } from '../../usage/usage-report.js';
import type { UsageStore } from '../../usage/usage.js';
import { ApiError } from '../common/api-error.js';

export const USAGE_STORE = Symbol('USAGE_STORE');
export const USAGE_CHANNELS = Symbol('USAGE_CHANNELS');

/** Usage reports, and the quota gauge Prometheus reads on every scrape (alert on it before approvers go dark). */
@Injectable()
export class UsageService implements OnModuleInit {
  private readonly warned = new Set<string>();

  constructor(
    @Inject(USAGE_STORE) private readonly store: UsageStore,
    @Inject(USAGE_CHANNELS) private readonly channels: ChannelConfigSource,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
  ) {}

  onModuleInit(): void {
    const reports = () => this.allReports();
    new Gauge({
      name: API_METRICS.quotaUsed,
      help: 'Billed platform calls this month as a share of the monthly quota (1 = used up)',
      labelNames: ['platform', 'app'],
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        for (const report of await reports()) {
          this.set({ platform: report.kind, app: report.appId }, report.billedCalls / report.quota);
        }
      },
    });
  }

  async report(kind: ChannelKind): Promise<UsageReport> {
    const stored = await this.channels.load(kind);
    const report = stored ? await usageReport(this.store, stored) : undefined;
    if (!report) throw new ApiError('CHANNEL_NOT_CONFIGURED', `Channel ${kind} is not configured`);
    this.warnOnce(report);
    return report;
  }

  private async allReports(): Promise<UsageReport[]> {
    const reports = await Promise.all(
      CHANNEL_KINDS.map(async (kind) => {
        const stored = await this.channels.load(kind);
        return stored?.enabled ? usageReport(this.store, stored) : undefined;
      }),
    );
    return reports.filter((r): r is UsageReport => r !== undefined);
  }

  /** One log line per app and month once the 80 % mark is passed, so it reaches whoever watches the logs. */
  private warnOnce(report: UsageReport): void {
    if (!report.warning) return;
    const key = `${report.kind}|${report.appId}|${report.month}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    rootLogger().warn({ kind: report.kind, appId: report.appId, percent: report.percent }, report.warning);
  }
}
