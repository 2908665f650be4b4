/**
 * Totals of the platform calls an approval spent, fed by what each activity reports (`calls`). Pure: results
 * recorded before calls were counted carry none and add nothing.
 */
import type { PlatformCallTally } from '../domain/platform-calls.js';
import { addCallTally, noPlatformCalls } from '../domain/platform-calls.js';
import type { ApprovalState } from '../domain/state.js';

export { noPlatformCalls } from '../domain/platform-calls.js';

/** Adds one activity's tally to the approval's totals. */
export function addPlatformCalls(state: ApprovalState, tally: PlatformCallTally | undefined): void {
  addCallTally((state.platformCalls ??= noPlatformCalls()), tally);
}
