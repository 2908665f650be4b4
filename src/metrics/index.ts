export { ApiMetrics } from './api-metrics.js';
export { countChannelFailure } from './activity-metrics.js';
export { API_METRICS, WORKER_METRICS } from './metric-names.js';
