import { Inject, Injectable, Logger } from '@nestjs/common';
import { approvalWorkflowId, type DecisionRequest } from '../../domain/approval.js';
import type { Recipient } from '../../domain/state.js';
import { setLogContext } from '../../logging/log-context.js';
import type { ApprovalCard } from '../../domain/card.js';
import type { ChannelKind } from '../../domain/channel.js';
import { cardNonce, contentHash, sharedCardNonce } from '../../workflows/approval-cards.js';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { ApiError } from '../common/api-error.js';
import { isTemporalUnavailable } from '../common/temporal-errors.js';
import { ApprovalLookup } from './approval-lookup.js';
import type { ApprovalSnapshot } from './approval-lookup.js';
import { AnsweredEvents } from './answered-events.js';
import type { CardClick, ClickAnswer } from './card-click.js';
import * as outcomes from './click-outcomes.js';

/** Time kept back after the update for the durable signal and the answer itself to still fit the platform's limit. */
const SIGNAL_RESERVE_MS = 400;
const ANSWER_RESERVE_MS = 50;

/**
 * A verified click becomes a decision: find the approval, map the platform user to our approver (a click by
 * anyone else decides nothing), then the `decide` update with the platform event id as update id, falling back
 * to the durable signal when the workflow cannot answer within the platform's window.
 */
@Injectable()
export class CardClicksService {
  private readonly logger = new Logger('CardCallbacks');
  private readonly answered = new AnsweredEvents<ClickAnswer>();

  constructor(
    @Inject(ApprovalLookup) private readonly lookup: ApprovalLookup,
    @Inject(ApprovalsService) private readonly approvals: ApprovalsService,
  ) {}

  /**
   * Always answers within `budgetMs`, never throws: if Temporal does not even answer (a connection that hangs), the
   * clicker is told the decision could not be recorded and may click again (a late success is then de-duplicated).
   */
  async handle(click: CardClick, budgetMs: number): Promise<ClickAnswer> {
    // From here on this request's log lines name the approval the click is about.
    setLogContext({
      ticketId: click.ticketId,
      tenant: click.tenant,
      workflowId: approvalWorkflowId(click.tenant, click.ticketId),
    });
    const started = Date.now();
    const seen = this.answered.get(click.eventId, started);
    if (seen) return seen;
    const work = this.decide(click, started, budgetMs).catch((err: unknown) => {
      const why = isTemporalUnavailable(err) ? 'Temporal unavailable' : 'unexpected error';
      return this.notRecorded(click, `${why}: ${describe(err)}`);
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<ClickAnswer>((resolve) => {
      const why = `Temporal did not answer within ${budgetMs} ms`;
      timer = setTimeout(() => resolve(this.notRecorded(click, why)), budgetMs);
    });
    const answer = await Promise.race([work, late]).finally(() => clearTimeout(timer));
    if (answer.final) this.answered.set(click.eventId, answer, Date.now());
    return answer;
  }

  /**
   * The answer to `click` (with the clicker's card) reached the platform in time: tell the approval, so it does not
   * update that card to the same content again. Best effort; never throws.
   */
  async confirmShown(
    click: CardClick,
    shown: { eventId: string; kind: ChannelKind; cardRef: string; card: ApprovalCard },
  ) {
    const answered = {
      eventId: shown.eventId,
      kind: shown.kind,
      cardRef: shown.cardRef,
      contentHash: contentHash(shown.card),
    };
    await this.approvals.confirmCardAnswered(click.tenant, click.ticketId, answered);
  }

  private notRecorded(click: CardClick, why: string): ClickAnswer {
    this.logger.error(`${click.kind} click ${click.eventId} on ticket ${click.ticketId} not recorded (${why})`);
    return outcomes.unrecorded();
  }

  private async decide(click: CardClick, started: number, budgetMs: number): Promise<ClickAnswer> {
    const answerBy = started + budgetMs - ANSWER_RESERVE_MS;
    const decideBy = answerBy - SIGNAL_RESERVE_MS;
    const deadlines = { query: decideBy, update: decideBy, answer: answerBy };
    const snapshot = await this.lookup.snapshot(click.tenant, click.ticketId, deadlines);
    if (snapshot.kind === 'missing') return outcomes.missing();
    if (snapshot.kind === 'closed')
      return snapshot.result ? outcomes.closed(snapshot.result) : outcomes.endedWithoutOutcome();
    const recipient = this.approverOf(click, snapshot);
    if (!recipient) {
      this.logger.warn(`${click.kind} click by a non-approver on ticket ${click.ticketId} (${click.tenant})`);
      return outcomes.notAnApprover();
    }
    const request: DecisionRequest = {
      eventId: click.eventId,
      userId: recipient.userId,
      decision: click.action,
      via: click.kind,
      platformUserId: click.platformUserId,
      ...(click.answerShowsCard && { answerShowsCard: true }),
    };
    // The clicker is answered in their own language and zone (resolved with the approval's recipients).
    const inTheirWords = (answer: ClickAnswer) => (recipient.reader ? { ...answer, reader: recipient.reader } : answer);
    try {
      if (snapshot.kind === 'offline') {
        // No worker answered the query, so none would answer the update: store the decision durably at once.
        const { body } = await this.approvals.recordDecision(click.tenant, click.ticketId, request, answerBy);
        return inTheirWords(outcomes.decided(body, { recipient, kind: click.kind }));
      }
      const { body } = await this.approvals.submitDecision(click.tenant, click.ticketId, request, deadlines);
      return inTheirWords(outcomes.decided(body, { recipient, kind: click.kind, state: snapshot.state }));
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) return inTheirWords(outcomes.refused(err.code));
      throw err;
    }
  }

  /**
   * The eligible approver this platform user is on this channel, and only if the button's nonce is the one bound
   * to that approver × channel: a forwarded card, or a colleague clicking someone else's, matches no one. A group
   * chat card's buttons carry the approval's group nonce instead: any approver on that channel may press them (the
   * workflow checks the platform user id again), every other member is told they are not an approver.
   */
  private approverOf(click: CardClick, snapshot: Extract<ApprovalSnapshot, { kind: 'live' | 'offline' }>) {
    const { workflowId, recipients, requesterId } =
      snapshot.kind === 'live' ? { ...snapshot.state, requesterId: snapshot.state.requester.userId } : snapshot.roster;
    const recipient: Recipient | undefined = recipients.find((r) =>
      r.channels.some((c) => c.kind === click.kind && c.platformUserId === click.platformUserId),
    );
    if (!recipient || recipient.userId === requesterId) return undefined;
    if (click.nonce === sharedCardNonce(workflowId, click.kind)) return recipient;
    return click.nonce === cardNonce(workflowId, recipient.userId, click.kind) ? recipient : undefined;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
