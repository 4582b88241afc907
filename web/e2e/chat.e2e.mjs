// Browser end-to-end test of the demo chat page in Debian's Chromium, driven by playwright-core:
// two pages chat in one room; one page's socket drops, the other keeps sending, the first recovers and shows
// every message once, in order. Saves a screenshot. Exits non-zero on failure.
// Environment: SWITCHBOARD_HTTP_URL (where the local stack serves the page), CHROMIUM (default /usr/bin/chromium),
// SCREENSHOT (default target/chat.png); against a stack with --auth, ALICE_TOKEN and BOB_TOKEN, which each page
// gets as ?token= (and the test checks that messages show who sent them).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const base = process.env.SWITCHBOARD_HTTP_URL;
const tokens = { alice: process.env.ALICE_TOKEN, bob: process.env.BOB_TOKEN };
const withAuth = Boolean(tokens.alice && tokens.bob);
const screenshot = process.env.SCREENSHOT ?? 'target/chat.png';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
});

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exitCode = 1;
}

async function texts(page) {
  return page.$$eval('#messages li[data-seq] .text', (items) => items.map((i) => i.textContent));
}

async function waitForTexts(page, expected, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  while (Date.now() < deadline) {
    seen = await texts(page);
    if (JSON.stringify(seen) === JSON.stringify(expected)) return seen;
    await page.waitForTimeout(50);
  }
  throw new Error(`expected ${JSON.stringify(expected)}, page shows ${JSON.stringify(seen)}`);
}

try {
  const room = `e2e-${Date.now().toString(36)}`;
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const alice = await context.newPage();
  const bob = await context.newPage();
  for (const [name, page] of [['alice', alice], ['bob', bob]]) {
    await page.goto(withAuth ? `${base}/?token=${encodeURIComponent(tokens[name])}` : `${base}/`);
    await page.waitForSelector('[data-testid=state].OPEN');
    await page.fill('#room', room);
    await page.click('#join-form button');
    await page.waitForSelector(`#rooms li.active:text("${room}")`);
  }

  await alice.fill('#text', 'hello bob');
  await alice.click('#send');
  await waitForTexts(bob, ['hello bob']);
  console.log('ok - both pages see the first message');

  await bob.evaluate(() => window.switchboard.dropConnection());
  await bob.waitForSelector('[data-testid=state].RECONNECTING, [data-testid=state].OPEN');
  const missed = ['while you were away 1', 'while you were away 2', 'while you were away 3'];
  for (const text of missed) {
    await alice.fill('#text', text);
    await alice.click('#send');
  }
  await bob.waitForSelector('[data-testid=state].OPEN');
  const shown = await waitForTexts(bob, ['hello bob', ...missed]);
  const seqs = await bob.$$eval('#messages li[data-seq]', (items) => items.map((i) => Number(i.dataset.seq)));
  if (new Set(seqs).size !== seqs.length || seqs.some((s, i) => i > 0 && s <= seqs[i - 1])) {
    fail(`messages out of order or repeated: ${seqs}`);
  }
  await waitForTexts(alice, ['hello bob', ...missed]);
  console.log(`ok - after its socket dropped, bob shows all ${shown.length} messages once, in order`);
  if (withAuth) {
    const senders = await bob.$$eval('#messages li[data-seq] .from', (items) => items.map((i) => i.textContent));
    if (senders.some((sender) => sender !== 'alice')) fail(`messages should show alice as their sender: ${senders}`);
    else console.log('ok - messages show their senders, the users the tokens name');
  }
  mkdirSync(dirname(screenshot), { recursive: true });
  await bob.screenshot({ path: screenshot });
  console.log(`ok - screenshot saved to ${screenshot}`);
} catch (error) {
  fail(error.message);
} finally {
  await browser.close();
}
