import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { DecisionBody, StartApprovalRequest, WithdrawBody } from '../../domain/approval.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/auth.schemas.js';
import { respond } from '../common/http-result.js';
import type { StatusResponse } from '../common/http-result.js';
import { ApprovalsService } from './approvals.service.js';
import { TenantQuery, TicketIdParam } from './approvals.schemas.js';
import type { ApprovalView, DecideResponse, StartApprovalResponse } from './approvals.schemas.js';

@Controller('v1/approvals')
export class ApprovalsController {
  constructor(@Inject(ApprovalsService) private readonly approvals: ApprovalsService) {}

  @Post()
  @Roles('ticket-system')
  async start(
    @Body({ schema: StartApprovalRequest }) body: StartApprovalRequest,
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<StartApprovalResponse> {
    return respond(res, await this.approvals.start(body));
  }

  @Get(':ticketId')
  @Roles('ticket-system', 'dba', 'approver')
  get(
    @Param('ticketId', { schema: TicketIdParam }) ticketId: string,
    @Query('tenant', { schema: TenantQuery }) tenant: string,
  ): Promise<ApprovalView> {
    return this.approvals.get(tenant, ticketId);
  }

  @Post(':ticketId/decisions')
  @Roles('approver')
  async decide(
    @Param('ticketId', { schema: TicketIdParam }) ticketId: string,
    @Query('tenant', { schema: TenantQuery }) tenant: string,
    @Body({ schema: DecisionBody }) body: DecisionBody,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<DecideResponse> {
    return respond(res, await this.approvals.decide(tenant, ticketId, body, principal));
  }

  @Post(':ticketId/withdraw')
  @Roles('ticket-system')
  @HttpCode(200)
  withdraw(
    @Param('ticketId', { schema: TicketIdParam }) ticketId: string,
    @Query('tenant', { schema: TenantQuery }) tenant: string,
    @Body({ schema: WithdrawBody }) body: WithdrawBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ApprovalView> {
    return this.approvals.withdraw(tenant, ticketId, body, principal);
  }
}
