import { Injectable } from '@nestjs/common';
import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { ApiError } from './api-error.js';
import type { ErrorDetail } from './api-error.js';

/**
 * Validates every handler argument that carries a zod schema (`@Body({ schema })`, `@Param('id', { schema })`) and
 * hands the parsed value (defaults applied) to the handler. Bad input becomes one VALIDATION_FAILED error naming
 * each bad field; arguments without a schema pass through untouched.
 */
@Injectable()
export class ZodValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const { schema } = metadata;
    if (schema === undefined) return value;
    if (!(schema instanceof z.ZodType)) throw new Error('ZodValidationPipe only accepts zod schemas');
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw validationError(parsed.error.issues, metadata.data, metadata.type);
  }
}

/**
 * Paths are relative to the request part: `requester.userId` in a body, `ticketId` for `@Param('ticketId')`. An
 * issue with the whole part (a missing body) is named by the part (`body`).
 */
export function validationError(
  issues: readonly z.core.$ZodIssue[],
  property: string | undefined,
  part: string,
): ApiError {
  const details: ErrorDetail[] = issues.map((issue) => ({
    path: issuePath(issue.path, property, part),
    message: issue.message,
  }));
  // The message names the first few; `details` has them all.
  const shown = details.slice(0, 5).map((d) => `${d.path}: ${d.message}`);
  if (details.length > shown.length) shown.push(`and ${details.length - shown.length} more`);
  return new ApiError('VALIDATION_FAILED', `Invalid request: ${shown.join('; ')}`, details);
}

function issuePath(path: readonly PropertyKey[], property: string | undefined, part: string): string {
  const segments = [...(property !== undefined ? [property] : []), ...path.map((segment) => String(segment))];
  return segments.length > 0 ? segments.join('.') : part;
}
