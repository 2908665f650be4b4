/**
 * Every metric we define, in one place (pure constants: the workflow imports this too). Worker-side series are
 * exported by the Temporal SDK's Prometheus endpoint next to its runtime metrics; API-side series by GET /metrics.
 */
export const WORKER_METRICS = {
  /** Cards delivered, per platform (one per recipient × channel, retries not counted twice). */
  cardsSent: 'approvals_cards_sent_total',
  /** Cards that could not be delivered after every retry, per platform and failure code. */
  cardsFailed: 'approvals_cards_failed_total',
  /** Platform calls refused by a rate limit, per platform and activity (each refused attempt). */
  rateLimited: 'approvals_platform_rate_limited_total',
  /** Escalations, per level reached. */
  escalations: 'approvals_escalations_total',
  /** Approvals finished, per outcome (approved, rejected, expired, withdrawn). */
  completed: 'approvals_completed_total',
  /** Platform calls one finished approval spent, per platform (histogram: one sample per approval and platform). */
  platformCallsPerApproval: 'approvals_platform_calls_per_approval',
  /** Notices delivered, per platform (one per person × channel; a batch counts each person it reached). */
  noticesSent: 'approvals_notices_sent_total',
  /** Notices that could not be delivered on a channel after every retry, per platform and failure code. */
  noticesFailed: 'approvals_notices_failed_total',
  /** Notice runs finished, per event and how they went (delivered, partially_delivered, failed, nobody_notified). */
  noticesCompleted: 'approvals_notices_completed_total',
} as const;

export const API_METRICS = {
  /** Time from a platform callback's arrival to our answer, per platform and outcome. */
  callbackDuration: 'approvals_callback_duration_seconds',
  /** Decisions received, per source (api or the clicked platform) and outcome (applied, already_decided, received, rejected). */
  decisions: 'approvals_decisions_total',
  /** Start requests, per result (created, existing). */
  started: 'approvals_started_total',
  /** 1 while a channel's callback connection (stream mode) is open, else 0, per platform. */
  streamConnected: 'approvals_callback_connection_up',
  /** Callback connections reopened after a drop, per platform. */
  streamReconnects: 'approvals_callback_connection_reconnects_total',
  /** Frames that arrived over a callback connection, per platform and outcome (received, ignored). */
  streamCallbacks: 'approvals_callback_connection_frames_total',
  /** Billed platform calls this month as a share of the monthly quota (1 = used up), per platform and app. */
  quotaUsed: 'approvals_platform_quota_used_ratio',
} as const;
