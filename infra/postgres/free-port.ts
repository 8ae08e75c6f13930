import { createServer } from 'node:net';

/**
 * A TCP port that is free right now. PostgreSQL cannot bind port 0 and 5432 may be taken, so we let the
 * OS pick one and hand the number on. Another process may take it meanwhile: callers retry on failure.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => (port ? resolve(port) : reject(new Error('the OS gave no port'))));
    });
  });
}
