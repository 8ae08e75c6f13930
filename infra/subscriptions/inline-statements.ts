import pg from 'pg';
import type { SqlStatement } from '../../projections/projection.ts';

/**
 * One batch's statements as ONE simple-protocol query string, so a whole batch costs one round trip
 * instead of one per statement (round trips, not PostgreSQL's work, bound a projection's catch-up).
 * Each `$n` becomes a quoted literal of the text pg would have sent for it: an unknown-typed literal is
 * resolved by PostgreSQL exactly as an untyped parameter is, so the statement means the same. Values
 * pg would serialise in some other way (arrays, objects, buffers) are not inlined: undefined is
 * returned, and the caller sends the statements one by one, parameterised.
 */
export function inlineStatements(statements: readonly SqlStatement[]): string | undefined {
  const texts: string[] = [];
  for (const statement of statements) {
    const literals = statement.values.map(literal);
    if (literals.some((text) => text === undefined)) return undefined;
    texts.push(
      statement.text.replace(/\$(\d+)/g, (placeholder, index: string) => {
        const text = literals[Number(index) - 1];
        if (text === undefined) throw new RangeError(`${placeholder} has no value in: ${statement.text}`);
        return text;
      }),
    );
  }
  return texts.join(';\n');
}

function literal(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `'${String(value)}'`;
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  return undefined;
}
