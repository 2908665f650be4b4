/**
 * approvals-bridge as a library: the Temporal plugin set (the approvals plugin and one plugin per platform), typed
 * client helpers for ticket systems, and the zod schemas and types they share with the HTTP API.
 */

// Worker side: plugins and the workers that run them.
export { approvalsPlugin, approvalsWorkflowsPath, type ApprovalsPluginOptions } from './plugins/approvals.plugin.js';
export { channelPlugin, type ChannelPluginOptions } from './plugins/channel.plugin.js';
export { platformChannels, type PlatformPlugin, type PlatformPluginOptions } from './plugins/platform.plugin.js';
export { TaskQueuePlugin } from './plugins/task-queue-plugin.js';
export { createWorkers, runWorkers, type CreateWorkersOptions } from './plugins/run-workers.js';
export {
  dingtalkExclusivePlugin,
  dingtalkPlugin,
  type DingtalkExclusivePluginOptions,
  type DingtalkPluginOptions,
} from './channels/dingtalk/dingtalk.plugin.js';
export { feishuPlugin, larkPlugin, type FeishuPluginOptions } from './channels/feishu/feishu.plugin.js';
export type { OrchestrationDeps } from './activities/orchestration.activities.js';

// Operations: payload encryption for workflow history, and platform calls counted against monthly quotas.
export { AesGcmPayloadCodec, PayloadDecryptionError, type CodecKey } from './codec/aes-gcm-codec.js';
export {
  PLATFORM_API_KINDS,
  type PlatformApiKind,
  type PlatformCallEvent,
  type PlatformCallObserver,
} from './channels/call-observer.js';
export { DEFAULT_MONTHLY_QUOTA, isBilled, usageMonth } from './usage/billing.js';
export { MemoryUsageStore } from './usage/memory-usage-store.js';
export { createUsageRecorder, type UsageRecorder } from './usage/usage-recorder.js';
export { usageReport, type UsageReport } from './usage/usage-report.js';
export type { MonthUsage, UsageRecord, UsageStore } from './usage/usage.js';

// Channel configs and the provider seam.
export {
  DingtalkExclusiveConfig,
  DingtalkStandardConfig,
  type DingtalkConfigInput,
} from './channels/dingtalk/dingtalk.config.js';
export { FEISHU_DEFAULT_BASE_URL, FeishuConfig, type FeishuConfigInput } from './channels/feishu/feishu.config.js';
export {
  createChannelRegistry,
  staticChannelSource,
  type ChannelRegistryOptions,
  type ChannelConfigSource,
  type StoredChannel,
} from './channels/registry.js';
export { ChannelError } from './channels/channel-error.js';
export type {
  CardRecipient,
  ChannelProvider,
  ChannelProviderRegistry,
  NoticeRequest,
  ReminderRequest,
  SendCardRequest,
  UpdateCardRequest,
} from './channels/provider.js';

// Where policies and users come from.
export type { PolicySource, UserDirectory } from './store/ports.js';
export {
  DirectoryFile,
  inMemoryUserDirectory,
  loadFilePolicySource,
  loadFileUserDirectory,
  PolicyFile,
} from './store/file-stores.js';

// Client side.
export {
  approvalWorkflowIdOf,
  createApprovalsClient,
  DecisionRejectedError,
  EventIdConflictError,
  WithdrawRequest,
  type ApprovalRef,
  type ApprovalsClient,
  type ApprovalsClientOptions,
  type DecisionRequestInput,
  type StartedApproval,
} from './client/approvals-client.js';
export { startOptions, TICKET_APPROVAL_WORKFLOW, type TicketApprovalWorkflow } from './client/start-options.js';
export {
  noticeStartOptions,
  TICKET_NOTICE_WORKFLOW,
  type TicketNoticeWorkflow,
} from './client/notice-start-options.js';
export { noticeState as noticeStateQuery } from './workflows/notice-definitions.js';
export {
  decide as decideUpdate,
  decisionSignal,
  state as stateQuery,
  withdraw as withdrawUpdate,
} from './workflows/definitions.js';

// Schemas and types shared with the API and the workflow.
export {
  approvalWorkflowId,
  ApprovalStatus,
  DecisionBody,
  DecisionKind,
  DecisionRequest,
  StartApprovalRequest,
  TicketField,
  WithdrawBody,
  type StartApprovalRequestInput,
  type TicketApprovalInput,
} from './domain/approval.js';
export type { ApprovalCard } from './domain/card.js';
export {
  APPROVALS_TASK_QUEUE,
  CHANNEL_KINDS,
  ChannelErrorCode,
  ChannelKind,
  channelTaskQueue,
} from './domain/channel.js';
export { ApprovalLevel, ApprovalMode, ApprovalPolicy, type ApprovalPolicyInput, GroupChat } from './domain/policy.js';
export {
  APPROVAL_EVENTS,
  approvalEventId,
  EventName,
  NoticeSetting,
  NoticeSettings,
  noticeWorkflowId,
  RELATIVE_RECIPIENTS,
  TellSpec,
  TICKET_STATES,
  TicketEventRequest,
  type ApprovalEvent,
  type RelativeRecipient,
  type TellSpecInput,
  type TicketEventRequestInput,
  type TicketState,
} from './domain/notice.js';
export type {
  ApprovalNotices,
  NoticeCard,
  NoticeDelivery,
  NoticeInput,
  NoticeSpec,
  NoticeState,
  NoticeStatus,
} from './domain/notice-state.js';
export {
  ApprovalStatusKey,
  EscalationLevelKey,
  PendingApproversKey,
  NoticeEventKey,
  NoticeStatusKey,
  RequesterKey,
  SEARCH_ATTRIBUTE_KEYS,
  TicketIdKey,
  TicketTypeKey,
} from './domain/search-attributes.js';
export {
  DecisionRejection,
  type ApprovalResult,
  type ApprovalState,
  type DecideResult,
  type DecisionRecord,
  type Delivery,
  type DeliveryStatus,
  type Outcome,
  type Recipient,
  type Unreachable,
} from './domain/state.js';
export { User } from './domain/user.js';
