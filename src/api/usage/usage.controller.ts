import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ChannelKind } from '../../domain/channel.js';
import type { UsageReport } from '../../usage/usage-report.js';
import { Roles } from '../auth/auth.decorators.js';
import { UsageService } from './usage.service.js';

@Controller('v1/channels')
export class UsageController {
  constructor(@Inject(UsageService) private readonly usage: UsageService) {}

  /** This month's calls of the channel's app against its monthly quota, with a warning from 80 % on. */
  @Get(':kind/usage')
  @Roles('dba')
  get(@Param('kind', { schema: ChannelKind }) kind: ChannelKind): Promise<UsageReport> {
    return this.usage.report(kind);
  }
}
