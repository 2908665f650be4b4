import type { ServerResponse } from 'node:http';
import { Controller, HttpCode, Inject, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { Public } from '../auth/auth.decorators.js';
import { CallbackMetricsInterceptor } from '../metrics/callback-metrics.interceptor.js';
import type { CallbackRequest } from './callback-request.js';
import { DingtalkCallbacksService } from './dingtalk-callbacks.service.js';
import { FeishuCallbacksService } from './feishu-callbacks.service.js';

/**
 * Card callbacks from the platforms. No bearer token: each platform's own verification (signature, Verification
 * Token, freshness) is the authentication. Always 200 with the platform's answer, else 400 / 401 and nothing done.
 */
@Controller('callbacks')
@Public()
@UseInterceptors(CallbackMetricsInterceptor)
export class CallbacksController {
  constructor(
    @Inject(FeishuCallbacksService) private readonly feishu: FeishuCallbacksService,
    @Inject(DingtalkCallbacksService) private readonly dingtalk: DingtalkCallbacksService,
  ) {}

  @Post('feishu')
  @HttpCode(200)
  feishuCallback(
    @Req() req: CallbackRequest,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<Record<string, unknown>> {
    return this.feishu.handle('feishu', req, res);
  }

  @Post('lark')
  @HttpCode(200)
  larkCallback(
    @Req() req: CallbackRequest,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<Record<string, unknown>> {
    return this.feishu.handle('lark', req, res);
  }

  @Post('dingtalk')
  @HttpCode(200)
  dingtalkCallback(@Req() req: CallbackRequest): Promise<Record<string, unknown>> {
    return this.dingtalk.handle('dingtalk', req);
  }

  @Post('dingtalk-exclusive')
  @HttpCode(200)
  dingtalkExclusiveCallback(@Req() req: CallbackRequest): Promise<Record<string, unknown>> {
    return this.dingtalk.handle('dingtalk-exclusive', req);
  }
}
