import type pg from 'pg';
import type { ReadYourWrites } from './read-your-writes/wait-for-read-model.ts';

/** What the read-model routes need: the database, and the read-your-writes hook per read model. */
export interface QueryDependencies {
  pool: pg.Pool;
  readYourWrites: ReadYourWrites;
}
