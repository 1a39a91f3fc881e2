/** The query GraphiQL opens with, and the one the README shows. */
export const exampleQuery = /* GraphQL */ `query Example {
  airport(iata: "JFK") {
    name
    city
    country { name }
    timezone
    routesFrom(first: 3) {
      airline { name }
      destination { iata name city }
    }
  }
}
`;
