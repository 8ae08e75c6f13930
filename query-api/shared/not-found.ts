/** A GET for an id the read model does not hold: 404 with `{resource}_not_found`. */
export class ResourceNotFoundError extends Error {
  readonly code: string;

  constructor(resource: string, id: string) {
    super(`No ${resource} ${JSON.stringify(id)}.`);
    this.name = 'ResourceNotFoundError';
    this.code = `${resource}_not_found`;
  }
}

/** The row, or a ResourceNotFoundError for the error handler. */
export function found<T>(row: T | undefined, resource: string, id: string): T {
  if (row === undefined) throw new ResourceNotFoundError(resource, id);
  return row;
}
