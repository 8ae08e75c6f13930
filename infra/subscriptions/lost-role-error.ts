/** Thrown out of a session when our epoch no longer matches: another worker owns the subscription group. */
export class LostRoleError extends Error {
  constructor(message = 'epoch bumped by another worker') {
    super(message);
    this.name = 'LostRoleError';
  }
}
