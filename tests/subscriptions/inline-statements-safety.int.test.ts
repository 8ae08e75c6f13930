import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineStatements } from '../../infra/subscriptions/inline-statements.ts';
import { isTransientDatabaseError } from '../../infra/subscriptions/transient-database-error.ts';
import { createFreshDatabase, type FreshDatabase } from '../postgres/fresh-database.ts';
import { testEnvironment } from '../support/environment.ts';

describe('placeholders inlined into one query string', () => {
  let database: FreshDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    database = await createFreshDatabase(testEnvironment().databaseUrl, 'inline_safety');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  // Each text holds a `$1` that is not a placeholder, beside one that is; then the text it must become.
  const quoted: Record<string, [string, string]> = {
    'a string literal': [`SELECT 'costs $1', $1::text`, `SELECT 'costs $1', 'value'::text`],
    'a doubled quote inside a literal': [`SELECT 'it''s $1', $1::text`, `SELECT 'it''s $1', 'value'::text`],
    'an escape string': [`SELECT E'a \\' $1', $1::text`, `SELECT E'a \\' $1', 'value'::text`],
    'a quoted identifier': [`SELECT $1::text AS "$1"`, `SELECT 'value'::text AS "$1"`],
    'a dollar-quoted string': [`SELECT $$ $1 $$, $body$ $1 $$ $1 $body$, $1::text`, `SELECT $$ $1 $$, $body$ $1 $$ $1 $body$, 'value'::text`],
    'a line comment': [`SELECT $1::text -- it's not $1\n, 'x'`, `SELECT 'value'::text -- it's not $1\n, 'x'`],
    'a nested block comment': [`SELECT /* $1 /* $1 */ $1 */ $1::text`, `SELECT /* $1 /* $1 */ $1 */ 'value'::text`],
    'an identifier containing a dollar': [`SELECT x$1 FROM (SELECT $1::text AS x$1) AS t`, `SELECT x$1 FROM (SELECT 'value'::text AS x$1) AS t`],
  };

  for (const [where, [text, expected]] of Object.entries(quoted)) {
    it(`leaves a $1 inside ${where} untouched, so the statement returns what it returns with parameters`, async () => {
      const sql = inlineStatements([{ text, values: ['value'] }]);
      expect(sql).toBe(expected);
      const inlined = await client.query({ text: sql!, rowMode: 'array' });
      const parameterised = await client.query({ text, values: ['value'], rowMode: 'array' });
      expect(inlined.rows).toEqual(parameterised.rows);
    });
  }

  it('refuses a placeholder beyond the values', () => {
    expect(() => inlineStatements([{ text: 'SELECT $1, $2', values: ['a'] }])).toThrow(/\$2/);
  });

  it('refuses a value that no placeholder uses', () => {
    expect(() => inlineStatements([{ text: 'SELECT $1', values: ['a', 'b'] }])).toThrow(/never used|2/);
    expect(() => inlineStatements([{ text: `SELECT '$2', $1`, values: ['a', 'b'] }])).toThrow();
  });

  it('refuses a value holding NUL, which PostgreSQL would answer with a protocol violation', () => {
    expect(() => inlineStatements([{ text: 'SELECT $1', values: ['a\u0000b'] }])).toThrow(/NUL/);
  });

  it('refuses text whose literal or comment never ends, rather than guess where placeholders are', () => {
    expect(() => inlineStatements([{ text: `SELECT 'open $1`, values: ['a'] }])).toThrow();
    expect(() => inlineStatements([{ text: 'SELECT $1 /* open', values: ['a'] }])).toThrow();
  });
});

describe('a protocol violation (08P01)', () => {
  it('is not transient: the same statement would be refused again on every retry', async () => {
    expect(isTransientDatabaseError({ code: '08P01' })).toBe(false);
    expect(isTransientDatabaseError({ code: '08006' })).toBe(true); // connection failure
  });
});
