import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** `/docs`: OpenAPI generated from the same zod schemas that validate requests (`/docs/json` for tools). */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Event-sourced commerce',
        description:
          'Commands append events to EventStoreDB and answer with the `$all` position of their last event ' +
          '(body `position`, header `ES-Position`). Send `Idempotency-Key` to make a command safe to retry.',
        version: '0.1.0',
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
