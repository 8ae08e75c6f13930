import { ServerCredentials, type Server } from '@grpc/grpc-js';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { pino } from 'pino';
import type { Logger } from '../logger.ts';
import { randomUuidBytes } from './protocol/uuid.ts';
import { createGrpcServer } from './server.ts';
import { DurableFile } from './store/durable-file.ts';
import { EventLog } from './store/event-log.ts';
import { WriteQueue } from './write/write-queue.ts';

export interface EsdbDevOptions {
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Interface to bind; 127.0.0.1 by default. */
  host?: string;
  /** Folder for the durable append-only log; in memory when absent. */
  dataDir?: string;
  /**
   * Start even if the event file is damaged before its last write: keep a copy of it, then cut it
   * at the damage (dropping what follows). Without it, such a file refuses to start.
   */
  repair?: boolean;
  /** For tests only: wraps the event file's handle, e.g. to fail writes as a full disk does. */
  wrapEventFile?: (file: FileHandle) => FileHandle;
  logger?: Logger;
}

export interface EsdbDevServer {
  /** `esdb://127.0.0.1:PORT?tls=false`, ready for the client package. */
  url: string;
  port: number;
  /** Stops accepting calls, ends open calls, flushes and closes the log. */
  stop(): Promise<void>;
}

/** How long in-flight calls get to finish on stop before they are cancelled. */
const STOP_GRACE_MS = 500;

/** Starts a single-node development server that speaks EventStoreDB's gRPC protocol. */
export async function startEsdbDev(options: EsdbDevOptions = {}): Promise<EsdbDevServer> {
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'esdb-dev' });
  const host = options.host ?? '127.0.0.1';
  const log = new EventLog();
  const file = options.dataDir
    ? await DurableFile.open({ dataDir: options.dataDir, restore: (record) => log.restore(record), logger, repair: options.repair ?? false, wrap: options.wrapEventFile })
    : undefined;
  log.commit();
  const writes = new WriteQueue(log, file, logger);
  const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  let port = 0;
  const server = createGrpcServer({ log, writes, logger, endpoint: () => ({ address: reachableHost, port }) });
  try {
    if (log.length === 0) await writeFreshNodeEvents(writes);
    port = await bind(server, host, options.port ?? 0);
  } catch (error) {
    server.forceShutdown();
    await file?.close();
    throw error;
  }
  const urlHost = reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost;
  const url = `esdb://${urlHost}:${port}?tls=false`;
  logger.info({ url, dataDir: options.dataDir ?? null, events: log.length }, 'esdb-dev: listening');

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    const shutdown = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    await writes.close();
    await Promise.race([shutdown, delay(STOP_GRACE_MS)]);
    // Subscriptions never end on their own: cancel whatever is still open.
    server.forceShutdown();
    await file?.close();
    logger.info({ url }, 'esdb-dev: stopped');
  };
  return { url, port, stop: () => (stopping ??= stop()) };
}

/**
 * A fresh EventStoreDB node already holds system events, and clients' tests rely on `$all`
 * never being free of them; one `$settings` event, as a real node writes, and nothing else.
 */
async function writeFreshNodeEvents(writes: WriteQueue): Promise<void> {
  const settings = {
    $userStreamAcl: { $r: '$all', $w: '$all', $d: '$all', $mr: '$all', $mw: '$all' },
    $systemStreamAcl: { $r: '$admins', $w: '$admins', $d: '$admins', $mr: '$admins', $mw: '$admins' },
  };
  const event = { id: randomUuidBytes(), type: '$settings', isJson: true, data: Buffer.from(JSON.stringify(settings)), metadata: new Uint8Array(0) };
  await writes.submit({ kind: 'append', stream: '$settings', expected: { kind: 'no_stream' }, events: [event] });
}

function bind(server: Server, host: string, port: number): Promise<number> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });
}
