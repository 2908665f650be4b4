import { Controller, Get, Inject, Res } from '@nestjs/common';
import { Public } from '../auth/auth.decorators.js';
import { respond } from '../common/http-result.js';
import type { StatusResponse } from '../common/http-result.js';
import { HealthService } from './health.service.js';
import type { HealthReport } from './health.schemas.js';

@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  @Get()
  @Public()
  async check(@Res({ passthrough: true }) res: StatusResponse): Promise<HealthReport> {
    return respond(res, await this.health.check());
  }
}
