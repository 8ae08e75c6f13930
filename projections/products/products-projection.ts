import type { Projection, ProjectedEvent, SqlStatement } from '../projection.ts';
import { positionParam } from '../shared/page.ts';
import { productsMigrations } from './schema.ts';
import { productCategory } from '../../domain/product/index.ts';
import { unparsedKeyFrom } from '../../infra/subscriptions/unparsed-key.ts';

const handles = ['ProductAdded', 'ProductPriceChanged'] as const;

function statementFor({ event, position }: ProjectedEvent): SqlStatement[] {
  const at = positionParam(position);
  switch (event.type) {
    case 'ProductAdded': {
      const { sku, name, price, currency } = event.data;
      return [
        {
          // An upsert, not a plain insert: a rebuild into a used schema or a replay must not fail.
          text: `INSERT INTO products (sku, name, price, currency, position) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price = excluded.price,
                   currency = excluded.currency, position = excluded.position
                 WHERE products.position < excluded.position`,
          values: [sku, name, price, currency, at],
        },
      ];
    }
    case 'ProductPriceChanged':
      return [
        {
          text: 'UPDATE products SET price = $2, position = $3 WHERE sku = $1 AND position < $3',
          values: [event.data.sku, event.data.price, at],
        },
      ];
    default:
      return [];
  }
}

/** The catalog as a table: one row per sku with its current price. */
export const productsProjection: Projection = {
  name: 'products',
  version: 1,
  handles,
  migrations: productsMigrations,
  key: ({ event }) => ('sku' in event.data ? event.data.sku : ''),
  unparsedKey: unparsedKeyFrom('sku', [productCategory]),
  apply: (projected) => {
    const statements = statementFor(projected);
    const { data } = projected.event;
    return { statements, changes: statements.length > 0 && 'sku' in data ? [{ topic: 'product', key: data.sku }] : [] };
  },
};
