/**
 * Pure timing of an approval: reminders every `reminders.everyMs` (at most `reminders.max`), escalation levels at
 * their `afterMs`, the final deadline at `deadlineMs`; all measured from the start of the workflow.
 */
import type { ApprovalPolicy } from '../domain/policy.js';

export interface Progress {
  /** Reminder rounds already sent. */
  remindersSent: number;
  /** Highest level notified so far (1-based). */
  level: number;
}

export interface Schedule {
  nextReminderAt?: number;
  nextEscalationAt?: number;
  finalDeadlineAt: number;
}

export type NextEvent =
  | { kind: 'reminder'; at: number; reminder: number }
  | { kind: 'escalation'; at: number; level: number }
  | { kind: 'deadline'; at: number };

export function scheduleFor(policy: ApprovalPolicy, startMs: number, progress: Progress): Schedule {
  const finalDeadlineAt = startMs + policy.deadlineMs;
  const schedule: Schedule = { finalDeadlineAt };
  const reminders = policy.reminders;
  if (reminders && progress.remindersSent < reminders.max) {
    const at = startMs + (progress.remindersSent + 1) * reminders.everyMs;
    if (at < finalDeadlineAt) schedule.nextReminderAt = at;
  }
  // `levels[progress.level]` is the level after the current one (levels are 1-based, the array 0-based).
  const nextLevel = policy.levels[progress.level];
  if (nextLevel) {
    const at = startMs + nextLevel.afterMs;
    if (at < finalDeadlineAt) schedule.nextEscalationAt = at;
  }
  return schedule;
}

/**
 * The earliest thing to do next. On a tie a reminder goes first (to the approvers already asked), then the
 * escalation (whose approvers just got a fresh card), and the deadline comes last.
 */
export function nextEvent(policy: ApprovalPolicy, startMs: number, progress: Progress): NextEvent {
  const s = scheduleFor(policy, startMs, progress);
  let next: NextEvent = { kind: 'deadline', at: s.finalDeadlineAt };
  if (s.nextEscalationAt !== undefined && s.nextEscalationAt <= next.at) {
    next = { kind: 'escalation', at: s.nextEscalationAt, level: progress.level + 1 };
  }
  if (s.nextReminderAt !== undefined && s.nextReminderAt <= next.at) {
    next = { kind: 'reminder', at: s.nextReminderAt, reminder: progress.remindersSent + 1 };
  }
  return next;
}

/** The `deadlines` block of the state query. */
export function deadlinesOf(schedule: Schedule): {
  nextReminderAt?: string;
  nextEscalationAt?: string;
  finalDeadlineAt: string;
} {
  return {
    ...(schedule.nextReminderAt !== undefined && { nextReminderAt: new Date(schedule.nextReminderAt).toISOString() }),
    ...(schedule.nextEscalationAt !== undefined && {
      nextEscalationAt: new Date(schedule.nextEscalationAt).toISOString(),
    }),
    finalDeadlineAt: new Date(schedule.finalDeadlineAt).toISOString(),
  };
}

/** For timer summaries in the Temporal UI. */
export function eventLabel(next: NextEvent): string {
  switch (next.kind) {
    case 'reminder':
      return `reminder ${next.reminder}`;
    case 'escalation':
      return `escalate to level ${next.level}`;
    case 'deadline':
      return 'final deadline';
  }
}
