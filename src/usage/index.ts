export {
  DEFAULT_MONTHLY_QUOTA,
  isBilled,
  monthlyQuotaOf,
  QUOTA_WARNING_PERCENT,
  usageAppIdOf,
  usageMonth,
} from './billing.js';
export { DbUsageStore } from './db-usage-store.js';
export { MemoryUsageStore } from './memory-usage-store.js';
export { createUsageRecorder, type UsageRecorder } from './usage-recorder.js';
export { usageReport, type UsageReport } from './usage-report.js';
export { emptyMonth, type MonthUsage, type UsageCount, type UsageRecord, type UsageStore } from './usage.js';
