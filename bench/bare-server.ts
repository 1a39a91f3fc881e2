// The physical limit: a bare node:http server answering every request with the same
// precomputed bytes the gateway sent. Reads the body file and headers from the environment.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.env.BARE_BODY_FILE!);
const contentType = process.env.BARE_CONTENT_TYPE ?? 'application/json; charset=utf-8';

const server = createServer((req, res) => {
  // Drain the request like the gateway must, then answer with the stored bytes.
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
    res.end(body);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
