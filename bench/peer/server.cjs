// PostGraphile 4 over the registry's PostgreSQL tables: the peer for the read benchmark.
// (PostGraphile 5.1.5 answered every query with "Cannot read properties of undefined (reading
// 'items')" here, graphile/crystal#2976; 4.14 is the maintained stable line.)
// Usage: node bench/postgraphile-server.cjs <postgres-url> <port>
const { createServer } = require('node:http');
const { postgraphile } = require('postgraphile');

const [connectionString, port] = process.argv.slice(2);
const server = createServer(
  postgraphile(connectionString, 'public', {
    graphqlRoute: '/graphql',
    graphiql: false,
    disableQueryLog: true,
    retryOnInitFail: false,
  }),
);
server.listen(Number(port), '127.0.0.1', () =>
  console.log(`postgraphile on http://127.0.0.1:${port}/graphql`),
);
