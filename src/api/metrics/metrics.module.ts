import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ApiMetrics } from '../../metrics/api-metrics.js';
import { METRICS_OPTIONS, MetricsController } from './metrics.controller.js';
import type { MetricsOptions } from './metrics.controller.js';

/** GET /metrics and the `ApiMetrics` every feature records through (`@Inject(ApiMetrics)`). */
@Module({})
export class MetricsModule {
  static register(options: MetricsOptions & { metrics?: ApiMetrics }): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        { provide: ApiMetrics, useValue: options.metrics ?? new ApiMetrics() },
        { provide: METRICS_OPTIONS, useValue: { token: options.token } satisfies MetricsOptions },
      ],
      exports: [ApiMetrics],
    };
  }
}
