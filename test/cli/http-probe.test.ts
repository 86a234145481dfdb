import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchProbe } from '../../src/cli/http-probe.js';

// A readiness endpoint on loopback: 200 on /-/readiness, 503 elsewhere.
const server = createServer((request, response) => {
  response.statusCode = request.url === '/-/readiness' ? 200 : 503;
  response.end('{}');
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fetchProbe', () => {
  it('returns the status code of a GET', async () => {
    // GIVEN a server on loopback / WHEN probed / THEN its status comes back
    expect(await fetchProbe(`${base}/-/readiness`)).toEqual({ status: 200 });
    expect(await fetchProbe(`${base}/other`)).toEqual({ status: 503 });
  });

  it('returns why there was no answer instead of throwing', async () => {
    // GIVEN a closed port on loopback / WHEN probed / THEN the error names the cause
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await fetchProbe(`http://127.0.0.1:${port}/-/readiness`)).toEqual({ error: 'ECONNREFUSED' });
  });
});
