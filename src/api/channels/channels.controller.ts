import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Put, Res } from '@nestjs/common';
import type { ChannelKind } from '../../domain/channel.js';
import { Roles } from '../auth/auth.decorators.js';
import { respond, type StatusResponse } from '../common/http-result.js';
import { ChannelsService } from './channels.service.js';
import { ChannelKindParam, ChannelTestRequest, PutChannelRequest } from './channels.schemas.js';
import type { ChannelList, ChannelTestResult, ChannelView, RotateSecretsResult } from './channels.schemas.js';

@Controller('v1/channels')
@Roles('dba')
export class ChannelsController {
  constructor(@Inject(ChannelsService) private readonly channels: ChannelsService) {}

  @Get()
  list(): Promise<ChannelList> {
    return this.channels.list();
  }

  @Get(':kind')
  get(@Param('kind', { schema: ChannelKindParam }) kind: ChannelKind): Promise<ChannelView> {
    return this.channels.get(kind);
  }

  @Put(':kind')
  async put(
    @Param('kind', { schema: ChannelKindParam }) kind: ChannelKind,
    @Body({ schema: PutChannelRequest }) body: PutChannelRequest,
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<ChannelView> {
    return respond(res, await this.channels.put(kind, body));
  }

  @Post(':kind/enable')
  @HttpCode(200)
  enable(@Param('kind', { schema: ChannelKindParam }) kind: ChannelKind): Promise<ChannelView> {
    return this.channels.setEnabled(kind, true);
  }

  @Post(':kind/disable')
  @HttpCode(200)
  disable(@Param('kind', { schema: ChannelKindParam }) kind: ChannelKind): Promise<ChannelView> {
    return this.channels.setEnabled(kind, false);
  }

  @Post(':kind/test')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  test(
    @Param('kind', { schema: ChannelKindParam }) kind: ChannelKind,
    @Body({ schema: ChannelTestRequest }) body: ChannelTestRequest,
  ): Promise<ChannelTestResult> {
    return this.channels.test(kind, body);
  }
}

/** Admin only: re-seal every stored secret under the active key after a key rotation. */
@Controller('v1/secrets')
export class SecretsController {
  constructor(@Inject(ChannelsService) private readonly channels: ChannelsService) {}

  @Post('rotate')
  @Roles()
  @HttpCode(200)
  rotate(): Promise<RotateSecretsResult> {
    return this.channels.rotateSecrets();
  }
}
