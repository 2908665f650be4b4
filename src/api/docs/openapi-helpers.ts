import type { SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema: requests as accepted (`input`), answers as sent. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): SchemaObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  });
  return rest as SchemaObject;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (name: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});
export const error = (name: string) => ({ $ref: `#/components/responses/${name}` });
