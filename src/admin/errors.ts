/** Why an admin call was not carried out: what the edge (GraphQL or REST) turns into its answer. */
export class AdminError extends Error {
  override name = 'AdminError';
  constructor(
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_REQUEST' | 'UNAVAILABLE',
    message: string,
    /** The input field at fault (BAD_REQUEST). */
    readonly field?: string,
  ) {
    super(message);
  }

  get status(): number {
    return { UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_REQUEST: 400, UNAVAILABLE: 503 }[this.code];
  }
}
