import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi.js';

/**
 * Serves the OpenAPI document at /docs/openapi.json and Swagger UI at /docs. The UI's assets come from the
 * swagger-ui-dist package, so the page works offline. Call before `app.init()`: the routes must be registered
 * ahead of the 404 handler.
 */
export function setupDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(), {
    raw: ['json'],
    jsonDocumentUrl: 'docs/openapi.json',
    customSiteTitle: 'approvals-bridge API',
    // No badge call to validator.swagger.io: the machines running this reach no such host.
    swaggerOptions: { validatorUrl: null, persistAuthorization: true },
  });
}
