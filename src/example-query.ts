/** The query GraphiQL opens with, and the one the README shows. */
export const exampleQuery = /* GraphQL */ `# Press ▶ (or Ctrl+Enter) to run. The variables have defaults; to change them, write
# e.g. { "iata": "CDG", "to": null } in the Variables tab, and { "after": "<endCursor>" }
# for the next page of routes.
#
# Without credentials you ask anonymously. Signed-in callers and partners send one
# credential, as JSON in the Headers tab:
#   signed-in:  { "Authorization": "Bearer <JWT>" }
#   partner:    { "X-Api-Key": "ctr_…" }
# Add \`viewer { kind }\` to see who the gateway thinks you are.
query Example($iata: String! = "JFK", $to: String = "LHR", $after: String) {
  airport(iata: $iata) {
    id
    name
    city
    country { name }
    timezone
    routesFrom(first: 3) {
      airline { name }
      destination { iata name city }
    }
  }
  # A connection: one page of routes, and where the next one starts.
  routes(from: $iata, to: $to, first: 3, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        airline { name }
        stops
        equipment
      }
    }
  }
}
`;
