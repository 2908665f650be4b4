/** Settings the features read, injected with `@Inject(API_CONFIG)`; built once from the validated env. */
export const API_CONFIG = Symbol('API_CONFIG');

export interface ApiConfig {
  /** Base URL of the Temporal Web UI, for `links.temporalUi`. */
  temporalUiUrl: string;
  /** Upper bound on the Temporal calls made for one request (start, describe, query, withdraw). */
  rpcTimeoutMs: number;
  /**
   * How long a decision waits for the workflow to answer. Past it the decision is sent as a durable signal and
   * the caller gets 202 "received" (the worker may be down; the workflow applies it when it runs again).
   */
  decisionTimeoutMs: number;
}
