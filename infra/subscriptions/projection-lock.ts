import type pg from 'pg';

/**
 * The right to run one projection: a session-level advisory lock held on a connection of its own
 * (advisory locks belong to a session; taken through the pool's ordinary queries they would be released
 * or reused at random), plus the epoch bumped once the lock is held. Batches commit `WHERE epoch = mine`:
 * if this session dies and another worker takes over, its bump makes every commit of ours match 0 rows.
 */
export interface ProjectionLease {
  epoch: bigint;
  /** Stored checkpoint: the last position considered, or 'start' when there is none yet. */
  from: bigint | 'start';
  /** Aborts when the lock's connection fails: the lock is then gone and the lease must be given up. */
  lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * Waits (possibly forever, while another worker runs the projection) for the lock, then claims the epoch.
 * `signal` aborting destroys the connection, which ends the wait; once the lease is taken only
 * `release()` gives it back.
 */
export async function acquireProjectionLease(pool: pg.Pool, name: string, signal: AbortSignal): Promise<ProjectionLease> {
  const client = await pool.connect();
  const lost = new AbortController();
  const onError = (error: Error) => lost.abort(error);
  client.on('error', onError);
  let released = false;
  const destroy = () => {
    if (released) return;
    released = true;
    client.off('error', onError);
    // Closing the session is what frees a session-level lock for sure, even mid-wait.
    client.release(true);
  };
  const onAbort = () => destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) throw new Error('stopped before the lock was taken');
    await client.query("SELECT pg_advisory_lock(hashtext('projection:' || $1))", [name]);
    const { rows } = await client.query<{ epoch: string; position: string | null }>(
      `INSERT INTO checkpoints (name, position, epoch, updated_at) VALUES ($1, NULL, 1, now())
       ON CONFLICT (name) DO UPDATE SET epoch = checkpoints.epoch + 1, updated_at = now()
       RETURNING epoch::text, position::text`,
      [name],
    );
    const row = rows[0];
    if (!row) throw new Error(`no checkpoint row for ${name}`);
    // Held now: a stop must end the session first, so that its last commit is made under the lock. Were
    // the connection destroyed at once, a standby would take over and fence that commit.
    signal.removeEventListener('abort', onAbort);
    return {
      epoch: BigInt(row.epoch),
      from: row.position === null ? 'start' : BigInt(row.position),
      lost: lost.signal,
      release: async () => {
        if (released) return;
        // Stopping: close the session rather than ask PostgreSQL, which may not answer, to unlock.
        if (signal.aborted) return destroy();
        try {
          await client.query("SELECT pg_advisory_unlock(hashtext('projection:' || $1))", [name]);
          released = true;
          client.off('error', onError);
          client.release();
        } catch {
          destroy();
        }
      },
    };
  } catch (error) {
    signal.removeEventListener('abort', onAbort);
    destroy();
    throw error;
  }
}
