import type { OperationObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
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

/** A required JSON request body of the named schema (optional with `required` false). */
export const body = (name: string, required = true) => ({
  required,
  content: { 'application/json': { schema: ref(name) } },
});

/** A parameter validated by the same zod schema as the route. */
export const param = (
  name: string,
  schema: z.ZodType,
  where: 'path' | 'query' | 'header' = 'path',
  required = true,
): ParameterObject => ({
  name,
  in: where,
  required,
  schema: jsonSchema(schema, 'input'),
});

export const denied = { '401': error('Unauthorized'), '403': error('Forbidden') };

/** An operation in `tag`, its description ending with the roles that may call it. */
export function op(tag: string, roles: string, o: OperationObject): OperationObject {
  return { tags: [tag], ...o, description: `${o.description ?? ''}\n\nRoles: ${roles}.`.trim() };
}
