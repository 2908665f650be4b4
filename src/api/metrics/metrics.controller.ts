import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Headers, Inject, Res } from '@nestjs/common';
import { ApiMetrics } from '../../metrics/api-metrics.js';
import { Public } from '../auth/auth.decorators.js';
import { ApiError } from '../common/api-error.js';

export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');

export interface MetricsOptions {
  /** METRICS_TOKEN: when set, scrapers send `Authorization: Bearer <token>`; otherwise the endpoint is open. */
  token?: string | undefined;
}

interface TextResponse {
  type(contentType: string): unknown;
}

/**
 * Prometheus text format. Not behind the API's own tokens: scrapers get a dedicated METRICS_TOKEN, or none when
 * the API listens only where the scraper lives. Series carry platform and outcome labels, never ticket contents.
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(METRICS_OPTIONS) private readonly options: MetricsOptions,
  ) {}

  @Get()
  @Public()
  @Header('Cache-Control', 'no-store')
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: TextResponse,
  ): Promise<string> {
    this.authorize(authorization);
    res.type(this.metrics.contentType);
    return this.metrics.render();
  }

  private authorize(authorization: string | undefined): void {
    const expected = this.options.token;
    if (expected === undefined) return;
    const presented = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(presented);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new ApiError('UNAUTHENTICATED', 'GET /metrics wants "Authorization: Bearer <METRICS_TOKEN>"');
    }
  }
}
