import type { NoticeInput } from '../../domain/notice-state.js';
import { openNotice } from '../../workflows/notice-book.js';
import type { NoticeView } from './events.schemas.js';

/** What the API answers the moment the run starts: the event, its rule, and nobody told yet (or why nobody is). */
export function viewOfStart(
  input: NoticeInput,
  workflowId: string,
  runId: string,
  links: NoticeView['links'],
): NoticeView {
  const state = openNotice(input, workflowId, new Date());
  const unmatched = input.unmatched !== undefined && { status: 'nobody_notified' as const, reason: input.unmatched };
  return { ...state, ...unmatched, runId, workflowStatus: 'RUNNING', links };
}
