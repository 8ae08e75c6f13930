import type { Logger } from '../logger.ts';

export interface EsdbDevOptions {
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Interface to bind; 127.0.0.1 by default. */
  host?: string;
  /** Folder for the durable append-only log; in memory when absent. */
  dataDir?: string;
  logger?: Logger;
}

export interface EsdbDevServer {
  /** `esdb://127.0.0.1:PORT?tls=false`, ready for the client package. */
  url: string;
  port: number;
  /** Stops accepting calls, ends open calls, flushes and closes the log. */
  stop(): Promise<void>;
}

/** Starts a single-node development server that speaks EventStoreDB's gRPC protocol. */
export async function startEsdbDev(_options: EsdbDevOptions = {}): Promise<EsdbDevServer> {
  throw new Error('esdb-dev: not implemented yet');
}
