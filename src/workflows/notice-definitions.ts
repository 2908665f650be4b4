/**
 * Messages of the `ticketNotice` workflow. Side-effect free: the API imports this file to read a notice's delivery.
 */
import { defineQuery } from '@temporalio/workflow';
import type { NoticeState } from '../domain/notice-state.js';

/** Who the notice is for, and how each delivery went (also the workflow's result). */
export const noticeState = defineQuery<NoticeState>('noticeState');

export const TICKET_NOTICE_WORKFLOW = 'ticketNotice';
