/**
 * What an endpoint answers, before the server writes it: the API modules stay pure functions
 * of the query and the clock, and the server adds latency, failures and stats around them.
 */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}
