// The JavaScript client against the real local stack without authentication (started by the Maven test that runs
// these; its URL comes in SWITCHBOARD_WS_URL). Run: node --experimental-websocket --test test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SwitchboardClient, RoomSequencer, backoffDelay, gapDelay, refreshDelay, retryDelay, tokenExpiry, State,
  APPLICATION_ROUTE_NAME, SWITCHBOARD_ROUTES,
} from '../switchboard-client.mjs';

const WS_URL = process.env.SWITCHBOARD_WS_URL;
const stack = WS_URL ? {} : { skip: 'needs SWITCHBOARD_WS_URL: a local stack without --auth' };
// The stack's application routes (echo, refuse, down, hold) are served by endpoints under this URL, which also
// tells how often the held route was called with a marker (GET /held?marker=...).
const ROUTES_URL = process.env.SWITCHBOARD_ROUTES_URL;
const routes = WS_URL && ROUTES_URL ? {} : { skip: 'needs SWITCHBOARD_WS_URL and SWITCHBOARD_ROUTES_URL' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const room = () => `js-${Math.random().toString(36).slice(2, 10)}`;

async function eventually(check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try { check(); return; } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

function client(inbox = [], extra = {}) {
  const states = [];
  const c = new SwitchboardClient(WS_URL, {
    backoffBaseMs: 20, backoffCapMs: 200, gapTimeoutMs: 300,
    onMessage: (m) => inbox.push(m),
    onStateChange: (s) => states.push(s),
    ...extra,
  });
  c.states = states;
  return c;
}

const m = (seq) => ({ type: 'message', id: `m${seq}`, room: 'r', from: 'u', data: seq, ts: seq, seq });

test('sequencer delivers each seq once, in order, holding messages behind a gap', () => {
  const s = new RoomSequencer(0);
  assert.deepEqual(s.accept(m(1)).map((x) => x.seq), [1]);
  assert.deepEqual(s.accept(m(3)), []);
  assert.equal(s.hasGap, true);
  assert.deepEqual(s.accept(m(1)), []);
  assert.deepEqual(s.accept(m(2)).map((x) => x.seq), [2, 3]);
  const late = new RoomSequencer();
  late.accept(m(7));
  late.accept(m(6));
  assert.deepEqual(late.start(6).map((x) => x.seq), [7]);
  const reset = new RoomSequencer(3);
  reset.accept(m(40));
  reset.accept(m(42));
  assert.deepEqual(reset.reset(39).map((x) => x.seq), [40], 'a reset skips only up to its seq');
  assert.equal(reset.delivered, 40);
  assert.equal(reset.hasGap, true, '41 is still awaited');
});

test('sequencer survives any shuffle with duplicates', () => {
  for (let round = 0; round < 100; round++) {
    const arrivals = [];
    for (let seq = 1; seq <= 40; seq++) { arrivals.push(seq); if (Math.random() < 0.3) arrivals.push(seq); }
    arrivals.sort(() => Math.random() - 0.5);
    const s = new RoomSequencer(0);
    const out = arrivals.flatMap((seq) => s.accept(m(seq)).map((x) => x.seq));
    assert.deepEqual(out, Array.from({ length: 40 }, (_, i) => i + 1));
  }
});

test('a gap that resumes do not fill is asked about less and less often', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 50].map((n) => gapDelay(1000, n)), [1000, 2000, 4000, 8000, 16000, 16000, 16000]);
});

test('backoff is full jitter under the exponential ceiling and the cap', () => {
  for (let attempt = 0; attempt < 8; attempt++) {
    const ceiling = Math.min(2000, 100 * 2 ** attempt);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(attempt, 100, 2000);
      assert.ok(delay >= 0 && delay <= ceiling, `${delay} within [0, ${ceiling}]`);
    }
  }
  assert.equal(backoffDelay(3, 100, 2000, () => 0.999999), 800);
});

test('a request the server refused until a later time is never retried sooner', () => {
  for (let attempt = 0; attempt < 6; attempt++) {
    const ceiling = Math.min(2000, 100 * 2 ** attempt);
    for (let i = 0; i < 200; i++) {
      const delay = retryDelay(1500, attempt, 100, 2000);
      assert.ok(delay >= 1500 && delay <= 1500 + ceiling, `${delay} within [1500, ${1500 + ceiling}]`);
      const unnamed = retryDelay(undefined, attempt, 100, 2000);
      assert.ok(unnamed >= 0 && unnamed <= ceiling, `${unnamed} within [0, ${ceiling}]`);
    }
  }
});

test('sends over the connection\'s quota are sent again when the server says, and all arrive', stack, async () => {
  // The stack's default quota is 40 frames per 2-second window: 60 sends at once are refused in part
  // (RATE_LIMITED, with the time the next window opens). Coming back after the client's 10-100 ms backoff instead
  // would be refused again, until the sends gave up or the connection was closed for sending regardless.
  const r = room();
  const received = [];
  const c = client(received, { backoffBaseMs: 10, backoffCapMs: 100 });
  try {
    await c.connect();
    await c.join(r);
    const acks = await Promise.all(Array.from({ length: 60 }, (_, i) => c.send(r, i)));
    assert.equal(acks.filter((a) => a.type === 'ack').length, 60);
    await eventually(() => assert.equal(received.length, 60));
    assert.deepEqual(received.map((x) => x.data).sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i));
    assert.ok(!c.states.includes(State.RECONNECTING), `never disconnected (states: ${c.states})`);
  } finally {
    c.close();
  }
});

const jwt = (payload) => ['{"alg":"HS256"}', JSON.stringify(payload)]
  .map((part) => Buffer.from(part).toString('base64url')).join('.') + '.c2lnbmF0dXJl';

test("a token's expiry is read from its payload; anything else has none", () => {
  assert.equal(tokenExpiry(jwt({ sub: 'a', rooms: { x: ['join'] }, exp: 1795514460 })), 1795514460_000);
  assert.equal(tokenExpiry(jwt({ sub: 'ünïcode', exp: 1795514460.75 })), 1795514460_000);
  assert.equal(tokenExpiry(jwt({ sub: 'no expiry' })), null);
  assert.equal(tokenExpiry(jwt({ exp: 'tomorrow' })), null);
  assert.equal(tokenExpiry('opaque-token'), null);
  assert.equal(tokenExpiry('a.%%%.c'), null);
  assert.equal(tokenExpiry(undefined), null);
});

test('a token is refreshed at 80 % of its lifetime, at least 5 s before expiry, never in a tight loop', () => {
  assert.deepEqual([3_600_000, 20_000, 8_000, 2_000, -3_000].map(refreshDelay), [2_880_000, 15_000, 4_000, 1_000, 0]);
});

test('two clients exchange a message; the send resolves with its ack', stack, async () => {
  const r = room();
  const bobInbox = [];
  const alice = client();
  const bob = client(bobInbox);
  try {
    await alice.connect();
    await bob.connect();
    await alice.join(r);
    await bob.join(r);
    const ack = await alice.send(r, { text: 'hello from js' });
    assert.equal(ack.type, 'ack');
    assert.equal(ack.seq, 1);
    await eventually(() => assert.deepEqual(bobInbox.map((x) => x.data), [{ text: 'hello from js' }]));
    assert.equal(bobInbox[0].id, ack.messageId);
  } finally {
    alice.close();
    bob.close();
  }
});

test('a refused request rejects with the server error code; oversize frames fail locally', stack, async () => {
  const alice = client();
  try {
    await alice.connect();
    await assert.rejects(alice.send(room(), 'not a member'), (e) => e.code === 'NOT_IN_ROOM' && !e.temporary);
    await assert.rejects(alice.send(room(), 'x'.repeat(40 * 1024)), (e) => e.code === 'PAYLOAD_TOO_LARGE');
    const pong = await alice.ping();
    assert.equal(pong.type, 'pong');
  } finally {
    alice.close();
  }
});

test('after a dropped connection the client reconnects, re-joins and gets what it missed in order', stack, async () => {
  const r = room();
  const bobInbox = [];
  const alice = client();
  const bob = client(bobInbox);
  try {
    await alice.connect();
    await bob.connect();
    await alice.join(r);
    await bob.join(r);
    await alice.send(r, 'before');
    await eventually(() => assert.equal(bobInbox.length, 1));
    bob.dropConnection();
    for (const text of ['away 1', 'away 2', 'away 3']) await alice.send(r, text);
    await eventually(() => assert.deepEqual(bobInbox.map((x) => x.data), ['before', 'away 1', 'away 2', 'away 3']));
    assert.ok(bob.states.includes(State.RECONNECTING));
    assert.equal(bob.position(r), 4);
  } finally {
    alice.close();
    bob.close();
  }
});

test('many random drops: nothing lost, nothing duplicated, order kept', stack, async () => {
  const r = room();
  const bobInbox = [];
  const alice = client();
  const bob = client(bobInbox);
  const sent = [];
  try {
    await alice.connect();
    await bob.connect();
    await alice.join(r);
    await bob.join(r);
    let n = 0;
    for (let cycle = 0; cycle < 10; cycle++) {
      const count = 1 + Math.floor(Math.random() * 3);
      for (let i = 0; i < count; i++) { const text = `m${n++}`; sent.push(text); await alice.send(r, text); }
      if (Math.random() < 0.6) bob.dropConnection();
      await sleep(Math.random() * 60);
    }
    await eventually(() => assert.deepEqual(bobInbox.map((x) => x.data), sent), 30_000);
    const seqs = bobInbox.map((x) => x.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.equal(new Set(seqs).size, seqs.length);
  } finally {
    alice.close();
    bob.close();
  }
});

test('anonymous sends retried across random drops of both sockets arrive once each, in order', stack, async () => {
  // Without authentication the server derives the sender from the client's instance id, which the client presents
  // at every reconnect: a send retried on a new connection is recognised as the one already stored.
  const r = room();
  const received = [];
  let senderReconnects = 0;
  const sender = client([], { backoffBaseMs: 10, backoffCapMs: 100,
    onStateChange: (s) => { if (s === State.RECONNECTING) senderReconnects += 1; } });
  const receiver = client(received, { backoffBaseMs: 10, backoffCapMs: 100, gapTimeoutMs: 200 });
  const sent = [];
  let sending = true;
  try {
    await sender.connect();
    await receiver.connect();
    await sender.join(r);
    await receiver.join(r);
    const dropping = (async () => {
      while (sending) {
        await sleep(20 + Math.random() * 180);
        (Math.random() < 0.5 ? sender : receiver).dropConnection();
      }
    })();
    try {
      // At least 200 sends, and on until the sender's socket has dropped more than 10 times: how many drops 200 sends
      // meet depends on how fast the machine serves them.
      for (let i = 0; i < 200 || (senderReconnects <= 10 && i < 5_000); i++) {
        const text = `m${i}`;
        await sender.send(r, text);
        sent.push(text);
      }
    } finally {
      sending = false;
      await dropping;
    }
    await eventually(() => assert.ok(received.length >= sent.length), 60_000);
    // A duplicate would arrive under a seq after the last original one: send a last message and wait for it.
    await sender.send(r, 'end');
    sent.push('end');
    await eventually(() => assert.equal(received.at(-1)?.data, 'end'), 30_000);
    console.log(`${sent.length - 1} sends, the sender's socket dropped ${senderReconnects} times`);
    assert.ok(senderReconnects > 10, `the sender's socket dropped (${senderReconnects} reconnects)`);
    assert.deepEqual(received.map((x) => x.data), sent, 'each send once, in order');
    assert.deepEqual(received.map((x) => x.seq), sent.map((_, i) => i + 1), 'no gaps, no duplicates');
  } finally {
    sending = false;
    sender.close();
    receiver.close();
  }
});

test('a refresh on a stack without authentication is acknowledged and not repeated', stack, async () => {
  // The stack ignores tokens; the client cannot know that until its first refresh is acked without an exp.
  const issued = [];
  const errors = [];
  const c = client([], {
    tokenProvider: () => {
      const token = jwt({ sub: 'nobody', exp: Math.floor(Date.now() / 1000) + 3 });
      issued.push(token);
      return token;
    },
    onError: (e) => errors.push(e),
  });
  try {
    await c.connect();
    const firstExpiry = tokenExpiry(issued[0]);
    await eventually(() => assert.ok(Date.now() > firstExpiry + 1000), 10_000);
    assert.equal(issued.length, 2, 'one token to connect, one refresh');
    assert.equal((await c.ping()).type, 'pong');
    assert.equal(c.state, State.OPEN);
    assert.deepEqual(errors, []);
  } finally {
    c.close();
  }
});

/** A bare socket in a room, as a user of another client would be: joined, then left alone. */
async function bareMember(r, instance) {
  const url = new URL(WS_URL);
  url.searchParams.set('instance', instance);
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error('a bare socket did not open'));
  });
  const joined = new Promise((resolve, reject) => {
    ws.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.id === 'j') (frame.type === 'ack' ? resolve() : reject(new Error(event.data)));
    };
  });
  ws.send(JSON.stringify({ action: 'join', room: r, id: 'j' }));
  await joined;
  return ws;
}

test('presence comes in pages of 100 connections; presenceAll walks them adding up each user', stack, async () => {
  const r = room();
  const c = client();
  const crowd = [];
  try {
    await c.connect();
    await c.join(r);
    // 130 more connections of 90 users: the first 40 users have two. On this stack a user is its instance id.
    for (let start = 0; start < 130; start += 26) {
      crowd.push(...await Promise.all(Array.from({ length: 26 }, (_, i) =>
        bareMember(r, `crowd-${r}-${String((start + i) % 90).padStart(4, '0')}`))));
    }

    const first = await c.presence(r);
    const second = await c.presence(r, first.cursor);
    const everyone = await c.presenceAll(r);

    const connections = (page) => page.members.reduce((sum, m) => sum + m.connections, 0);
    assert.equal(connections(first), 100);
    assert.equal(first.more, true);
    assert.equal(typeof first.cursor, 'string');
    assert.equal(connections(second), 31);
    assert.equal(second.more, false);
    assert.equal(second.cursor, undefined);
    assert.equal(everyone.length, 91, '90 users of the crowd and this client');
    assert.equal(everyone.filter((m) => m.connections === 2).length, 40);
    assert.equal(everyone.reduce((sum, m) => sum + m.connections, 0), 131);
    assert.deepEqual(everyone.map((m) => m.user), everyone.map((m) => m.user).sort());
    await assert.rejects(c.presence(r, 'AAAA'), (e) => e.code === 'INVALID_FIELD');
    await assert.rejects(c.presence(r, 'x'.repeat(300)), (e) => e.code === 'INVALID_FIELD');
  } finally {
    crowd.forEach((ws) => ws.close());
    c.close();
  }
});

test("the client's rule for application route names is the server's", {
  skip: process.env.SWITCHBOARD_ROUTE_NAME_PATTERN ? false : 'needs the protocol\'s rule in SWITCHBOARD_ROUTE_NAME_PATTERN',
}, () => {
  assert.equal(APPLICATION_ROUTE_NAME.source, `^${process.env.SWITCHBOARD_ROUTE_NAME_PATTERN}$`);
  assert.deepEqual([...SWITCHBOARD_ROUTES].sort(), process.env.SWITCHBOARD_ROUTE_KEYS.split(',').sort());
});

test('a call to a name no application route can have, or with data that is not JSON, fails before sending', async () => {
  const never = new SwitchboardClient('ws://127.0.0.1:9/never-connected');
  try {
    for (const name of ['join', 'send', 'refresh', '$default', '$connect', '', '1typing', 'type ing', 'télé',
      `a${'b'.repeat(64)}`, undefined, 7]) {
      await assert.rejects(never.call(name, {}), (e) => e.code === 'UNKNOWN_ACTION' && !e.temporary, String(name));
    }
    await assert.rejects(never.call('join'), /one of Switchboard's own routes/);
    await assert.rejects(never.call('typing', 10n), (e) => e.code === 'INVALID_FIELD');
    await assert.rejects(never.call('typing', () => 1), (e) => e.code === 'INVALID_FIELD');
    const circular = {};
    circular.self = circular;
    await assert.rejects(never.call('typing', circular), (e) => e.code === 'INVALID_FIELD');
    await assert.rejects(never.call('typing', 'x'.repeat(40 * 1024)), (e) => e.code === 'PAYLOAD_TOO_LARGE');
  } finally {
    never.close();
  }
});

test("a call resolves with the data the application's function answered", routes, async () => {
  const c = client();
  try {
    await c.connect();
    // The echo route answers with the event it was given: the route, the caller and the call's data.
    const event = await c.call('echo', { text: 'hi' });
    assert.equal(event.route, 'echo');
    assert.ok(event.user.startsWith('anonymous:'), event.user);
    assert.deepEqual(event.data, { text: 'hi' });
    assert.equal((await c.call('echo')).data, null);
  } finally {
    c.close();
  }
});

test("a call rejects with the application's error, a temporary timeout, or the server's unknown action", routes,
  async () => {
    const c = client();
    try {
      await c.connect();
      await assert.rejects(c.call('refuse', {}), (e) => e.code === 'APPLICATION_ERROR' && e.temporary === false
        && e.message === "NOT_ASSIGNEE: only the ticket's agent");
      await assert.rejects(c.call('down', 1), (e) => e.code === 'APPLICATION_TIMEOUT' && e.temporary === true);
      await assert.rejects(c.call('typo', 1), (e) => e.code === 'UNKNOWN_ACTION' && e.temporary === false);
      assert.equal((await c.call('echo', 2)).data, 2, 'the connection stays usable');
    } finally {
      c.close();
    }
  });

test('a call in flight when the connection drops rejects and is not sent again after the reconnect', routes,
  async () => {
    const sent = [];
    class Recording extends WebSocket {
      send(text) {
        sent.push(JSON.parse(text));
        super.send(text);
      }
    }
    const c = client([], { WebSocket: Recording });
    const marker = `m-${Math.random().toString(36).slice(2, 12)}`;
    const timesHeld = async () => Number(await (await fetch(`${ROUTES_URL}/held?marker=${marker}`)).text());
    try {
      await c.connect();
      const inFlight = c.call('hold', marker);
      const failed = assert.rejects(inFlight, (e) => e.code === 'INTERNAL' && e.temporary === true
        && e.message === 'connection lost before the reply');
      for (let i = 0; i < 600 && await timesHeld() === 0; i++) await sleep(25);
      assert.equal(await timesHeld(), 1, 'the function received the call');

      c.dropConnection();
      await failed;
      // Made while the connection is down, so never sent: it goes out once the connection is back.
      const queued = c.call('echo', 4);
      assert.equal((await queued).data, 4);
      assert.equal(c.state, State.OPEN);
      assert.equal((await c.call('echo', 5)).data, 5);

      assert.equal(sent.filter((frame) => frame.action === 'hold').length, 1, 'the call went out once');
      assert.equal(await timesHeld(), 1);
    } finally {
      c.close();
    }
  });
