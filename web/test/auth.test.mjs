// The JavaScript client against the real local stack with authentication on (deny unless the token grants it),
// started by the Maven test that runs these: SWITCHBOARD_AUTH_WS_URL, and SWITCHBOARD_JWT_SECRET with
// SWITCHBOARD_JWT_ISSUER to mint short-lived HS256 tokens here. Run: node --experimental-websocket --test test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { SwitchboardClient, SwitchboardError, State, tokenExpiry } from '../switchboard-client.mjs';

const WS_URL = process.env.SWITCHBOARD_AUTH_WS_URL;
const SECRET = process.env.SWITCHBOARD_JWT_SECRET;
const ISSUER = process.env.SWITCHBOARD_JWT_ISSUER;
const stack = WS_URL && SECRET && ISSUER ? {} : {
  skip: 'needs SWITCHBOARD_AUTH_WS_URL, SWITCHBOARD_JWT_SECRET and SWITCHBOARD_JWT_ISSUER: a local stack with --auth',
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const room = () => `js-auth-${Math.random().toString(36).slice(2, 10)}`;
const EVERYTHING = { '*': ['join', 'history', 'presence', 'send'] };

async function eventually(check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try { check(); return; } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

/** An HS256 token as the local stack's --auth verifies it: capabilities in the `rooms` and `direct` claims. */
function mint(user, lifetimeSeconds, rooms = EVERYTHING, direct = ['*']) {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({
    sub: user, iss: ISSUER, iat: now, exp: now + lifetimeSeconds, rooms, direct,
  })}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

/** A token provider minting per call with the settings of that moment; `gate` holds calls back while set. */
function minter(user, lifetimeSeconds, rooms = EVERYTHING, direct = ['*']) {
  const provider = async () => {
    await provider.gate;
    const token = mint(user, provider.lifetimeSeconds, provider.rooms, provider.direct);
    provider.issued.push(token);
    return token;
  };
  Object.assign(provider, { lifetimeSeconds, rooms, direct, issued: [], gate: null });
  return provider;
}

function gate() {
  let open;
  const promise = new Promise((resolve) => { open = resolve; });
  promise.open = open;
  return promise;
}

const clients = [];

async function client(options) {
  const seen = { messages: [], resets: [], errors: [], lost: new Map(), states: [] };
  const c = new SwitchboardClient(WS_URL, {
    backoffBaseMs: 20, backoffCapMs: 200, gapTimeoutMs: 300,
    onMessage: (m) => seen.messages.push(m),
    onReset: (r) => seen.resets.push(r),
    onError: (e) => seen.errors.push(e),
    onRoomLost: (r, e) => seen.lost.set(r, e),
    onStateChange: (s) => seen.states.push(s),
    ...options,
  });
  c.seen = seen;
  clients.push(c);
  await c.connect();
  return c;
}

const data = (c, r) => c.seen.messages.filter((m) => m.room === r).sort((a, b) => a.seq - b.seq).map((m) => m.data);

/** A test against the stack; the clients it made are closed after it, whatever happens. */
function authTest(name, body) {
  test(name, stack, async () => {
    try { await body(); } finally { while (clients.length) clients.pop().close(); }
  });
}

authTest('both clients refresh their short-lived tokens and stay connected past the first expiry', async () => {
  const r = room();
  const aliceTokens = minter('alice', 5);
  const bobTokens = minter('bob', 5);
  const alice = await client({ tokenProvider: aliceTokens });
  const bob = await client({ tokenProvider: bobTokens });
  await alice.join(r);
  await bob.join(r);
  await alice.send(r, 'before');
  await eventually(() => assert.deepEqual(data(bob, r), ['before']));

  const firstExpiry = Math.max(tokenExpiry(aliceTokens.issued[0]), tokenExpiry(bobTokens.issued[0]));
  await eventually(() => assert.ok(Date.now() > firstExpiry + 1000), 20_000);

  await alice.send(r, 'after');
  await bob.send(r, 'reply');
  await eventually(() => assert.deepEqual(data(bob, r), ['before', 'after', 'reply']));
  await eventually(() => assert.deepEqual(data(alice, r), ['before', 'after', 'reply']));
  assert.ok(aliceTokens.issued.length >= 2, `alice's provider gave ${aliceTokens.issued.length} tokens`);
  assert.ok(bobTokens.issued.length >= 2, `bob's provider gave ${bobTokens.issued.length} tokens`);
  assert.deepEqual(alice.seen.states, [State.CONNECTING, State.OPEN], 'alice never lost her connection');
  assert.deepEqual(bob.seen.states, [State.CONNECTING, State.OPEN], 'bob never lost his connection');
  assert.deepEqual([...alice.seen.errors, ...bob.seen.errors], []);
});

authTest('a connection whose token expired reconnects with a fresh token and loses nothing', async () => {
  const r = room();
  const alice = await client({ tokenProvider: minter('alice', 3600) });
  // Bob's provider hands out one short-lived token until it has expired (a cache that renews too late), so the
  // connection cannot be refreshed in time; after that, fresh tokens, once the test opens the gate.
  const stale = mint('bob', 3);
  const staleExpiry = tokenExpiry(stale);
  const fresh = minter('bob', 3600);
  fresh.gate = gate();
  const bob = await client({ tokenProvider: () => (Date.now() < staleExpiry ? stale : fresh()) });
  await alice.join(r);
  await bob.join(r);
  await alice.send(r, 'm1');
  await eventually(() => assert.deepEqual(data(bob, r), ['m1']));

  await eventually(() => assert.ok(Date.now() > staleExpiry + 300), 10_000);
  // Nothing reaches a connection live after its token expired: m2 comes to bob by resume, once he is back.
  await alice.send(r, 'm2');
  const bobSend = bob.send(r, 'from bob');
  await eventually(() => {
    assert.ok(bob.seen.errors.some((e) => e.code === 'TOKEN_EXPIRED'), 'TOKEN_EXPIRED reported');
    assert.ok(bob.seen.states.includes(State.RECONNECTING));
  });
  await alice.send(r, 'm3 while bob reconnects');
  fresh.gate.open();

  const ack = await bobSend;
  assert.equal(ack.seq, 4);
  const all = ['m1', 'm2', 'm3 while bob reconnects', 'from bob'];
  await eventually(() => assert.deepEqual(data(bob, r), all));
  await eventually(() => assert.deepEqual(data(alice, r), all));
  assert.deepEqual(bob.seen.messages.map((m) => m.seq), [1, 2, 3, 4]);
  assert.ok(fresh.issued.length >= 1, 'bob reconnected with a fresh token');
  assert.equal(bob.state, State.OPEN);
});

authTest('what the token does not grant fails with FORBIDDEN and the connection stays usable', async () => {
  const open = room();
  const readOnly = room();
  const dave = await client({
    tokenProvider: minter('dave', 3600, { [open]: ['join', 'send'], [readOnly]: ['join', 'history', 'presence'] }, []),
  });
  await dave.join(open);
  await dave.join(readOnly);

  await assert.rejects(dave.send(readOnly, 'may I?'), (e) => e instanceof SwitchboardError && e.code === 'FORBIDDEN'
    && e.temporary === false && e.message.includes('send') && e.message.includes(readOnly));
  await assert.rejects(dave.join(room()), (e) => e.code === 'FORBIDDEN');
  await assert.rejects(dave.direct('erin', 1), (e) => e.code === 'FORBIDDEN');
  await assert.rejects(dave.presence(open), (e) => e.code === 'FORBIDDEN');

  assert.equal((await dave.ping()).type, 'pong');
  assert.equal((await dave.send(open, 'this is allowed')).seq, 1);
  assert.deepEqual((await dave.presence(readOnly)).members.map((m) => m.user), ['dave']);
  assert.deepEqual(dave.seen.states, [State.CONNECTING, State.OPEN]);
});

authTest('rooms a refreshed token no longer grants are reported lost and the others carry on', async () => {
  const kept = room();
  const revoked = room();
  const rights = ['join', 'history', 'send'];
  const bobTokens = minter('bob', 3, { [kept]: rights, [revoked]: rights }, []);
  const bob = await client({ tokenProvider: bobTokens });
  const alice = await client({ tokenProvider: minter('alice', 3600) });
  await bob.join(kept);
  await bob.join(revoked);
  await alice.join(kept);
  await alice.join(revoked);
  bobTokens.lifetimeSeconds = 3600;
  bobTokens.rooms = { [kept]: rights };

  await eventually(() => assert.ok(bob.seen.lost.has(revoked)), 10_000);
  assert.equal(bob.seen.lost.get(revoked).code, 'FORBIDDEN');
  assert.ok(!bob.seen.lost.has(kept));
  assert.equal(bob.position(revoked), -1);
  assert.deepEqual((await alice.presence(revoked)).members.map((m) => m.user), ['alice']);
  await alice.send(kept, 'still here');
  await eventually(() => assert.deepEqual(data(bob, kept), ['still here']));
  assert.deepEqual(bob.seen.states, [State.CONNECTING, State.OPEN]);
  assert.deepEqual(bob.seen.errors, []);
});

authTest('a room refused at automatic rejoin is dropped with a callback and the others resume', async () => {
  const kept = room();
  const refused = room();
  const rights = ['join', 'history', 'send'];
  const bobTokens = minter('bob', 3600, { [kept]: rights, [refused]: rights }, []);
  const bob = await client({ tokenProvider: bobTokens });
  const alice = await client({ tokenProvider: minter('alice', 3600) });
  await bob.join(kept);
  await bob.join(refused);
  await alice.join(kept);
  bobTokens.rooms = { [kept]: rights };
  bobTokens.gate = gate();

  bob.dropConnection();
  await alice.send(kept, 'while bob was away');
  bobTokens.gate.open();

  await eventually(() => assert.ok(bob.seen.lost.has(refused)), 10_000);
  assert.equal(bob.seen.lost.get(refused).code, 'FORBIDDEN');
  await eventually(() => assert.deepEqual(data(bob, kept), ['while bob was away']));
  assert.equal(bob.position(refused), -1);
  assert.equal((await bob.ping()).type, 'pong');
});

authTest('without the history right a rejoin falls back to a plain join and reports what may be missing', async () => {
  const r = room();
  const bobTokens = minter('bob', 3600, { [r]: ['join', 'send'] }, []);
  const bob = await client({ tokenProvider: bobTokens });
  const alice = await client({ tokenProvider: minter('alice', 3600) });
  await bob.join(r);
  await alice.join(r);
  await alice.send(r, 'm1');
  await eventually(() => assert.deepEqual(data(bob, r), ['m1']));
  bobTokens.gate = gate();

  bob.dropConnection();
  await alice.send(r, 'm2');
  await alice.send(r, 'm3');
  bobTokens.gate.open();

  await eventually(() => {
    assert.equal(bob.seen.resets.length, 1);
    const [reset] = bob.seen.resets;
    assert.equal(reset.room, r);
    assert.equal(reset.seq, 3);
    assert.match(reset.reason, /2-3.*history/);
  }, 10_000);
  await alice.send(r, 'm4');
  await eventually(() => assert.deepEqual(data(bob, r), ['m1', 'm4']));
  assert.equal(bob.position(r), 4);
  await bob.send(r, 'bob is back');
  assert.equal(bob.seen.resets.length, 1);
  assert.equal(bob.seen.lost.size, 0);
  assert.equal(bob.state, State.OPEN);
});

authTest('two clients of one user never share a request id', async () => {
  const r = room();
  const phone = await client({ tokenProvider: minter('frank', 3600) });
  const laptop = await client({ tokenProvider: minter('frank', 3600) });
  await phone.join(r);
  await laptop.join(r);
  const first = await phone.send(r, 'from the phone');
  const second = await laptop.send(r, 'from the laptop');
  assert.notEqual(second.messageId, first.messageId, 'the server took the second send for a repeat of the first');
  assert.deepEqual([first.seq, second.seq], [1, 2]);
});
