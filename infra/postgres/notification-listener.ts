import type pg from 'pg';
import type { Logger } from '../logger.ts';
import { backoffDelay, sleepUnlessAborted } from '../subscriptions/backoff.ts';

export interface NotificationListenerOptions {
  pool: pg.Pool;
  logger: Logger;
  /** Channels to LISTEN on (plain identifiers). */
  channels: readonly string[];
  /** Shown in pg_stat_activity, so operators (and tests) can tell this long-lived session apart. */
  applicationName: string;
  /** Called for every notification on the channels; must not throw (it runs in the socket's data handler). */
  onNotification(channel: string, payload: string): void;
  /**
   * Called after every (re)connection, once LISTEN is in place, with the listening connection:
   * notifications sent while no connection listened are lost for good, so this is where a listener
   * reads again what it may have missed. Rejecting drops the connection and tries again.
   */
  onListening(client: pg.PoolClient): Promise<void>;
  /** Called when the connection is lost (before the reconnection's backoff). */
  onLost?(): void;
}

/**
 * One dedicated PostgreSQL connection LISTENing on some channels, for as long as the process runs: it
 * reconnects with capped, jittered backoff after any failure (a PostgreSQL restart, say), and lets its
 * owner resynchronise after each reconnection. The connection carries LISTEN state, so it is never
 * handed back to the pool.
 */
export class NotificationListener {
  private readonly stopping = new AbortController();
  private isListening = false;
  private readonly running: Promise<void>;

  constructor(private readonly options: NotificationListenerOptions) {
    this.running = this.listenForever();
  }

  /** True while a connection listens and its resynchronisation is done. */
  get listening(): boolean {
    return this.isListening;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async listenForever(): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      try {
        await this.listenOnce(() => (attempt = 0));
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        this.options.logger.warn({ err: error, channels: this.options.channels }, 'notification listener lost its connection; reconnecting');
        this.options.onLost?.();
      }
      await sleepUnlessAborted(backoffDelay(attempt, 100, 5_000), this.stopping.signal);
    }
  }

  /** One connection's life: LISTEN, resynchronise, then follow notifications until the connection fails or stop(). */
  private async listenOnce(connected: () => void): Promise<void> {
    const client = await this.options.pool.connect();
    let onStop = () => undefined as void;
    try {
      const ended = new Promise<void>((resolve, reject) => {
        client.on('error', reject);
        client.on('end', () => reject(new Error('notification listener connection ended')));
        onStop = resolve;
        if (this.stopping.signal.aborted) resolve();
        else this.stopping.signal.addEventListener('abort', onStop, { once: true });
      });
      ended.catch(() => undefined);
      client.on('notification', (message) => {
        if (message.payload !== undefined) this.options.onNotification(message.channel, message.payload);
      });
      await client.query(`SET application_name = ${client.escapeLiteral(this.options.applicationName)}`);
      for (const channel of this.options.channels) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      // After LISTEN, so that a commit between the owner's read and the LISTEN cannot go unheard.
      await this.options.onListening(client);
      this.isListening = true;
      connected();
      await ended;
    } finally {
      this.isListening = false;
      this.stopping.signal.removeEventListener('abort', onStop);
      client.release(true);
    }
  }
}
