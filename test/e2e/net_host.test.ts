// Guest sockets talk to programs outside the guest through the host's network: a guest TCP
// server answers a client in this (host) process, a guest client fetches from a host server,
// and a guest UDP socket gets a host server's reply.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/guest_cases.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS } from '../helpers/run_guest.js';

const unavailable = ecallUnavailable();
const root = repoRoot();

/** Starts `ecall run guest/bin/sock_peer args...`; resolves with its stdout once it exits. */
function runPeer(args: string[], onLine?: (line: string) => void): Promise<{ out: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'ecall.js'), 'run', 'guest/bin/sock_peer', ...args], { cwd: root });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      if (onLine) for (const l of out.split('\n').slice(0, -1)) onLine(l);
    });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`sock_peer ${args.join(' ')} hung: ${out}`)); }, GUEST_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (status) => { clearTimeout(timer); resolve({ out, status }); });
  });
}

describe('guest sockets and host programs', { skip: unavailable ?? false }, () => {
  it('a guest TCP server on 127.0.0.1 answers a client on the host', { timeout: GUEST_TIMEOUT_MS + 5000 }, async () => {
    let asked = false;
    let reply = '';
    const done = runPeer(['serve'], (line) => {
      const m = /^port (\d+)$/.exec(line);
      if (m === null || asked) return;
      asked = true;
      const c = net.connect(Number(m[1]), '127.0.0.1', () => { c.end('hello from the host\n'); });
      c.on('data', (b) => { reply += b.toString('utf8'); });
    });
    const r = await done;
    assert.equal(r.status, 0);
    assert.equal(reply, 'HELLO FROM THE HOST\n');
    assert.match(r.out, /served\n$/);
  });

  it('a guest TCP client fetches from a server on the host', { timeout: GUEST_TIMEOUT_MS + 5000 }, async () => {
    const server = net.createServer((c) => {
      let got = '';
      c.on('data', (b) => { got += b.toString('utf8'); });
      c.on('end', () => { c.end(`you said ${got}`); });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await runPeer(['fetch', String(port)]);
      assert.equal(r.status, 0);
      assert.equal(r.out, 'reply you said hello\n');
    } finally {
      server.close();
    }
  });

  it('a guest UDP socket gets the reply of a host UDP server', { timeout: GUEST_TIMEOUT_MS + 5000 }, async () => {
    const s = dgram.createSocket('udp4');
    s.on('message', (msg, rinfo) => { s.send(`pong to ${msg.toString('utf8')}`, rinfo.port, rinfo.address); });
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    try {
      const r = await runPeer(['udp', String(s.address().port)]);
      assert.equal(r.status, 0);
      assert.equal(r.out, 'udp reply pong to ping\n');
    } finally {
      s.close();
    }
  });
});
