import { DomainError } from '../shared/domain-error.ts';

export const productErrorCodes = ['product_already_exists', 'product_not_found'] as const;
export type ProductErrorCode = (typeof productErrorCodes)[number];

export const productAlreadyExists = (sku: string) =>
  new DomainError<ProductErrorCode>('product_already_exists', `Product ${sku} already exists.`, { sku });

export const productNotFound = (sku: string) =>
  new DomainError<ProductErrorCode>('product_not_found', `Product ${sku} is not in the catalog.`, { sku });
