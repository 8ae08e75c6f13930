import pg from 'pg';
import type { SqlStatement } from './projection-contract.ts';
import { findPlaceholders, type Placeholder } from './sql-placeholders.ts';

/**
 * Thrown when a statement cannot be inlined safely: its placeholders and values do not match, or a
 * value holds NUL. It carries no SQLSTATE, so it is never taken for a transient failure: the batch is
 * applied again event by event, with parameters, and the event the database refuses is parked.
 */
export class StatementNotInlinableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatementNotInlinableError';
  }
}

/**
 * One batch's statements as ONE simple-protocol query string, so a whole batch costs one round trip
 * instead of one per statement (round trips, not PostgreSQL's work, bound a projection's catch-up).
 * Each `$n` placeholder (as PostgreSQL's lexer sees it: see sql-placeholders.ts) becomes a quoted literal
 * of the text pg would have sent for it: an unknown-typed literal is resolved by PostgreSQL exactly as an
 * untyped parameter is, so the statement means the same. Values pg would serialise in some other way
 * (arrays, objects, buffers) are not inlined: undefined is returned, and the caller sends the statements
 * one by one, parameterised.
 *
 * Refused (StatementNotInlinableError): a `$n` without its value or a value no `$n` uses (PostgreSQL
 * refuses both when sent with parameters), and NUL in a value, which a query string cannot carry (the
 * server answers 08P01, protocol violation, rather than a data error).
 */
export function inlineStatements(statements: readonly SqlStatement[]): string | undefined {
  const texts: string[] = [];
  for (const statement of statements) {
    const literals = statement.values.map(literal);
    if (literals.some((text) => text === undefined)) return undefined;
    texts.push(substitute(statement, placeholdersOf(statement.text), literals as string[]));
  }
  return texts.join(';\n');
}

function substitute(statement: SqlStatement, placeholders: readonly Placeholder[], literals: readonly string[]): string {
  const used = new Set<number>();
  let text = '';
  let copied = 0;
  for (const placeholder of placeholders) {
    const value = literals[placeholder.index - 1];
    if (value === undefined) throw new StatementNotInlinableError(`$${placeholder.index} has no value in: ${statement.text}`);
    used.add(placeholder.index);
    text += statement.text.slice(copied, placeholder.start) + value;
    copied = placeholder.end;
  }
  if (used.size !== literals.length) {
    const unused = literals.map((_, index) => index + 1).filter((index) => !used.has(index));
    throw new StatementNotInlinableError(`value ${unused.map((index) => `$${index}`).join(', ')} never used in: ${statement.text}`);
  }
  return text + statement.text.slice(copied);
}

function literal(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new StatementNotInlinableError('a value holds NUL (\\u0000), which PostgreSQL text cannot hold');
    return pg.escapeLiteral(value);
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `'${String(value)}'`;
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  return undefined;
}

// Projections send the same few texts again and again: lex each once. Bounded, in case one builds texts.
const lexed = new Map<string, readonly Placeholder[]>();
const mostLexed = 1_000;

function placeholdersOf(text: string): readonly Placeholder[] {
  let placeholders = lexed.get(text);
  if (placeholders === undefined) {
    placeholders = findPlaceholders(text);
    if (lexed.size >= mostLexed) lexed.clear();
    lexed.set(text, placeholders);
  }
  return placeholders;
}
