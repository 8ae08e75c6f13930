import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../infra/http/build-app.ts';
import { createLogger } from '../../infra/logger.ts';

/**
 * Node checks a request's deadline only every 30 s, so a test that waits for the close would cost half a
 * minute: this one reads the bound the HTTP server enforces instead.
 */
const logger = createLogger({ level: 'silent' });
let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('the HTTP server', () => {
  it('closes a request not received whole within HTTP_REQUEST_TIMEOUT_MS (30 s unless told)', async () => {
    app = await buildApp({ logger, readinessChecks: {} });
    expect(app.server.requestTimeout).toBe(30_000);
    await app.close();
    app = await buildApp({ logger, readinessChecks: {}, requestTimeoutMs: 1_234 });
    expect(app.server.requestTimeout).toBe(1_234);
  });
});
