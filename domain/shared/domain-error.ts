/**
 * A broken business rule, named by a stable code. The edge maps codes to HTTP statuses
 * through one exhaustive table; the domain knows nothing of HTTP.
 */
export class DomainError<Code extends string = string> extends Error {
  override readonly name = 'DomainError';
  readonly code: Code;
  /** Facts a client can act on (the sku, the status found…); plain JSON. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: Code, message: string, details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}
