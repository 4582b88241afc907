// Switchboard JavaScript client: an ES module with no dependencies, for browsers and Node >= 20
// (Node 20 needs --experimental-websocket; Node 22+ has WebSocket built in).
//
// Same protocol and guarantees as the Java client: requests resolve with the server's reply, a heartbeat keeps
// the socket under API Gateway's idle timeout, a lost connection comes back with exponential backoff and full
// jitter, every joined room is re-joined and resumed from the last seq seen, and each room's messages reach the
// application once and in seq order. Tokens come from a provider asked at every (re)connect, and the connection is
// refreshed with a fresh one ahead of the current token's expiry.

export const State = Object.freeze({
  CONNECTING: 'CONNECTING', OPEN: 'OPEN', RECONNECTING: 'RECONNECTING', CLOSED: 'CLOSED',
});

/** Browsers send each message as one frame, and API Gateway closes the socket on frames over 32 KB. */
export const MAX_FRAME_BYTES = 32 * 1024;

export class SwitchboardError extends Error {
  constructor(code, message, temporary) {
    super(message);
    this.name = 'SwitchboardError';
    this.code = code;
    this.temporary = temporary;
  }
}

const UNKNOWN = -1;

/**
 * What an application route's name may be, as dev.switchboard.protocol.ApplicationRoutes.NAME has it: a letter, then
 * up to 63 letters, digits, _ or -.
 */
export const APPLICATION_ROUTE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Switchboard's own routes (dev.switchboard.protocol.Route): no application route may take their names. */
export const SWITCHBOARD_ROUTES = Object.freeze([
  '$connect', '$disconnect', '$default', 'join', 'leave', 'send', 'ping', 'resume', 'presence', 'direct', 'refresh',
]);

/** Why `name` cannot be an application route's name, or null when it can (the server's rule). */
export function applicationRouteProblem(name) {
  if (typeof name !== 'string' || name === '') return 'an application route needs a name';
  if (name.startsWith('$')) return `'${name}': names starting with $ are API Gateway's`;
  if (SWITCHBOARD_ROUTES.includes(name)) return `'${name}' is one of Switchboard's own routes`;
  if (!APPLICATION_ROUTE_NAME.test(name)) {
    return `'${name}' is not a valid route name: a letter, then up to 63 letters, digits, _ or -`;
  }
  return null;
}

/** Each seq of one room once, in order, whatever order and however often messages arrive. */
export class RoomSequencer {
  constructor(position = UNKNOWN) {
    this.delivered = position;
    this.waiting = new Map();
  }

  get knowsPosition() { return this.delivered !== UNKNOWN; }

  get hasGap() { return this.knowsPosition && this.waiting.size > 0; }

  /** The seq of the first message waiting behind the gap (only while hasGap). */
  get firstWaiting() { return Math.min(...this.waiting.keys()); }

  start(position) {
    if (!this.knowsPosition) this.delivered = position;
    for (const seq of [...this.waiting.keys()]) if (seq <= this.delivered) this.waiting.delete(seq);
    return this.#drain();
  }

  accept(message) {
    if (this.knowsPosition && message.seq <= this.delivered) return [];
    if (!this.waiting.has(message.seq)) this.waiting.set(message.seq, message);
    return this.knowsPosition ? this.#drain() : [];
  }

  /** Messages up to `seq` are gone for good: continue after it (the rest comes from history or live). */
  reset(seq) {
    this.delivered = Math.max(this.delivered, seq);
    for (const waitingSeq of [...this.waiting.keys()]) if (waitingSeq <= this.delivered) this.waiting.delete(waitingSeq);
    return this.#drain();
  }

  #drain() {
    const out = [];
    while (this.waiting.has(this.delivered + 1)) {
      this.delivered += 1;
      out.push(this.waiting.get(this.delivered));
      this.waiting.delete(this.delivered);
    }
    return out;
  }
}

/** How long to wait before the next resume for a gap that `resumes` resumes have not filled (doubling, 16x at most). */
export function gapDelay(gapTimeoutMs, resumes) {
  return gapTimeoutMs * 2 ** Math.min(resumes, 4);
}

/** Full jitter: a random delay in [0, min(cap, base * 2^attempt)]. */
export function backoffDelay(attempt, baseMs, capMs, random = Math.random) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * (ceiling + 1));
}

/**
 * The wait before retrying a request the server refused with a time to come back (`retryAfterMs` of RATE_LIMITED
 * or OVERLOADED): never sooner than that, plus the backoff's jitter, so clients refused at the same moment do not all
 * return at the same moment. Without a time named, the backoff alone.
 */
export function retryDelay(retryAfterMs, attempt, baseMs, capMs, random = Math.random) {
  const after = Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0;
  return after + backoffDelay(attempt, baseMs, capMs, random);
}

/**
 * Refused before the server did any of it (over the connection's quota, or the stack past its capacity): any request
 * is safe to send again, a leave, direct or re-join included; giving up would leave the client in a room it is not
 * in, or without a message it meant to send.
 */
const REFUSED_UNDONE = new Set(['RATE_LIMITED', 'OVERLOADED']);

/** A refresh goes out at least this long before expiry (unless the token lives less than twice as long). */
export const MIN_REFRESH_LEAD_MS = 5_000;

/**
 * How long to wait before refreshing a token that expires in `remainingMs`: at 80 % of it, but at least
 * MIN_REFRESH_LEAD_MS before expiry, and never in less than half of it (no tight loop for short-lived tokens).
 */
export function refreshDelay(remainingMs) {
  if (!(remainingMs > 0)) return 0;
  const lead = Math.max(remainingMs / 5, Math.min(MIN_REFRESH_LEAD_MS, remainingMs / 2));
  return Math.floor(remainingMs - lead);
}

/**
 * A JWT's `exp` in epoch milliseconds, or null when it has none or is not a JWT. Read only to schedule the refresh:
 * the server verifies every token, so no signature is checked here.
 */
export function tokenExpiry(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(parts[1].length / 4) * 4, '=');
    const payload = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))));
    const exp = payload?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? Math.floor(exp) * 1000 : null;
  } catch {
    return null;
  }
}

function randomBase64Url(bytes) {
  const value = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function describe(error) {
  return error?.message ?? String(error);
}

/** Query parameters of the handshake, as named in dev.switchboard.protocol.Handshake. */
const TOKEN_PARAMETER = 'token';
const INSTANCE_PARAMETER = 'instance';

const encoder = new TextEncoder();

export class SwitchboardClient {
  /** Random secret presented at every connect: a stack without authentication derives the user id from it. */
  #instanceId = randomBase64Url(16);
  /** Random prefix of request ids, so two clients of one user never reuse an id within the server's window. */
  #idPrefix = randomBase64Url(6);

  /**
   * @param {string} url  the API's wss:// URL (locally ws://localhost:3001/local)
   * @param {object} [options]  token or tokenProvider, listeners (onMessage, onDirect, onPresence, onReset,
   *   onRoomLost, onError, onStateChange) and tuning (requestTimeoutMs, heartbeatMs, backoffBaseMs, backoffCapMs,
   *   gapTimeoutMs, maxSendAttempts)
   */
  constructor(url, options = {}) {
    this.options = {
      requestTimeoutMs: 10_000, heartbeatMs: 5 * 60_000, backoffBaseMs: 250, backoffCapMs: 30_000,
      gapTimeoutMs: 1_000, maxSendAttempts: 5, WebSocket: globalThis.WebSocket, ...options,
    };
    if (this.options.heartbeatMs >= 10 * 60_000) {
      throw new Error("heartbeatMs must stay under API Gateway's 10-minute idle timeout");
    }
    if (options.token && options.tokenProvider) throw new TypeError('give either token or tokenProvider, not both');
    if (options.tokenProvider !== undefined && typeof options.tokenProvider !== 'function') {
      throw new TypeError('tokenProvider must be a function returning a token (or a promise of one)');
    }
    const fixed = options.token;
    this.tokens = options.tokenProvider ?? (fixed ? () => fixed : null);
    // A fixed token cannot be refreshed: there is nothing fresher to refresh with.
    this.refreshes = typeof options.tokenProvider === 'function';
    this.url = new URL(url).toString();
    this.state = State.CLOSED;
    this.socket = null;
    this.pending = new Map();
    this.rooms = new Map();
    this.gapChecks = new Map();
    this.gapWaits = new Map();
    this.attempt = 0;
    this.closing = false;
    this.nextId = 0;
    this.heartbeat = null;
    this.firstOpen = null;
    this.token = undefined;
    this.tokenExpiry = null;
    this.refreshTimer = null;
    this.refreshFailures = 0;
    this.expiryReported = false;
    this.expiredInARow = 0; // connections closed for an expired token since the last successful reply
  }

  /** Opens the connection; resolves once open (later reconnects are automatic). */
  connect() {
    if (!this.firstOpen) {
      this.firstOpen = {};
      this.firstOpen.promise = new Promise((resolve, reject) => {
        this.firstOpen.resolve = resolve;
        this.firstOpen.reject = reject;
      });
      this.#setState(State.CONNECTING);
      this.#open();
      this.heartbeat = setInterval(() => {
        if (this.state === State.OPEN) this.#request({ action: 'ping' }, { internal: true }).catch(() => {});
      }, this.options.heartbeatMs);
    }
    return this.firstOpen.promise;
  }

  /**
   * Joins a room; resolves with the ack (or a history page when resuming). A refusal (e.g. FORBIDDEN when the
   * token does not grant the room) rejects, and the client forgets the room.
   */
  join(room) {
    if (!this.rooms.has(room)) this.rooms.set(room, new RoomSequencer());
    const sequencer = this.rooms.get(room);
    const confirmed = sequencer.knowsPosition;
    return this.#enter(room, sequencer, false).catch((error) => {
      if (error instanceof SwitchboardError && !error.temporary && this.rooms.get(room) === sequencer
          && (!confirmed || error.code === 'FORBIDDEN')) {
        this.#forget(room);
      }
      throw error;
    });
  }

  leave(room) {
    this.#forget(room);
    return this.#request({ action: 'leave', room });
  }

  /** Sends any JSON value to a room; retried with the same id (never duplicated) if the reply goes missing. */
  send(room, data) {
    return this.#request({ action: 'send', room, data });
  }

  direct(user, data) {
    return this.#request({ action: 'direct', user, data });
  }

  /**
   * Calls an application route, an action the deployment adds (e.g. 'typing'), answered by the application's own
   * function; resolves with the `data` it answered. Rejects with the server's error: APPLICATION_ERROR when the
   * function refused (message `CODE: message`) or failed, APPLICATION_TIMEOUT (temporary) when it did not answer in
   * time or could not be reached, UNKNOWN_ACTION when no route has that name, and the errors of every frame. Rejects
   * before sending with UNKNOWN_ACTION for a name no application route can have (one of Switchboard's routes, a `$`
   * name, or not a letter then up to 63 letters, digits, _ or -) and INVALID_FIELD for data that is not JSON.
   *
   * A call is not idempotent, so it is never sent twice: one refused before the server did anything with it
   * (RATE_LIMITED, OVERLOADED, an expired token) goes out again, but one already sent when the connection drops
   * rejects with a temporary INTERNAL error ('connection lost before the reply'), as does one without a reply within
   * requestTimeoutMs. Calling again is the application's decision.
   */
  call(action, data = null) {
    const problem = applicationRouteProblem(action);
    if (problem) return Promise.reject(new SwitchboardError('UNKNOWN_ACTION', problem, false));
    let json;
    try {
      json = JSON.stringify(data);
    } catch (error) {
      return Promise.reject(new SwitchboardError('INVALID_FIELD', `data is not JSON: ${describe(error)}`, false));
    }
    if (json === undefined) {
      return Promise.reject(new SwitchboardError('INVALID_FIELD', 'data is not JSON: nothing to encode', false));
    }
    return this.#request({ action, data }, { call: true }).then((reply) => reply.data);
  }

  /**
   * One page of a joined room's presence: at most 100 connections, by user. Without a cursor the first page; with
   * the `cursor` of a page whose `more` is true, the page after it. A user whose connections fall on two pages is
   * on both, with the connections of each page.
   */
  presence(room, cursor) {
    return this.#request(cursor == null ? { action: 'presence', room } : { action: 'presence', room, cursor });
  }

  /**
   * Everyone in a joined room: every page of its presence, one after the other, with the connections of a user
   * listed on several pages added up; sorted by user. Rejects as soon as a page is refused.
   */
  async presenceAll(room) {
    const byUser = new Map();
    let cursor;
    for (;;) {
      const page = await this.presence(room, cursor);
      for (const { user, connections } of page.members) byUser.set(user, (byUser.get(user) ?? 0) + connections);
      if (!page.more) break;
      if (typeof page.cursor !== 'string' || page.cursor === cursor) {
        // Without a new cursor this loop would start over, or stay where it is, for ever.
        throw new SwitchboardError('INTERNAL', 'the server answered a presence page without a new cursor', false);
      }
      cursor = page.cursor;
    }
    return [...byUser].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([user, connections]) => ({ user, connections }));
  }

  ping() {
    return this.#request({ action: 'ping' });
  }

  /** The seq of the last message delivered for a room, or -1. */
  position(room) {
    return this.rooms.has(room) ? this.rooms.get(room).delivered : UNKNOWN;
  }

  /** Cuts the socket as a network failure would; the client reconnects by itself. */
  dropConnection() {
    if (this.socket) {
      const socket = this.socket;
      this.#closed(socket, 1006);
      socket.close();
    }
  }

  /** Closes for good; pending requests fail. */
  close() {
    this.closing = true;
    clearInterval(this.heartbeat);
    this.#cancelRefresh();
    this.#failAll(new SwitchboardError('INTERNAL', 'client closed', false));
    if (this.socket) this.socket.close(1000, 'bye');
    this.socket = null;
    this.#setState(State.CLOSED);
  }

  // ---- internals -------------------------------------------------------------------------------------------

  #emit(name, ...values) {
    const listener = this.options[name];
    if (typeof listener === 'function') {
      try { listener(...values); } catch (error) { queueMicrotask(() => { throw error; }); }
    }
  }

  #setState(state) {
    if (this.state !== state) {
      this.state = state;
      this.#emit('onStateChange', state);
    }
  }

  /** A token from the provider (undefined without one); a provider that never answers times out. */
  #freshToken() {
    if (!this.tokens) return Promise.resolve(undefined);
    let timer;
    const timeout = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no token within ${this.options.requestTimeoutMs} ms`)),
        this.options.requestTimeoutMs);
    });
    const token = Promise.resolve().then(() => this.tokens()).then((value) => {
      if (typeof value !== 'string' || value.trim() === '') throw new Error('the token provider returned no token');
      return value;
    });
    return Promise.race([token, timeout]).finally(() => clearTimeout(timer));
  }

  /**
   * Fetches a token, then opens a socket with it and this client's instance id. Browsers hide the handshake's HTTP
   * status, so a refused token looks like any failed connect: the client keeps trying with backoff, asking the
   * provider each time.
   */
  #open() {
    this.#freshToken().then((token) => {
      if (!this.closing) this.#openWith(token);
    }, (error) => {
      if (this.closing) return;
      this.#emit('onError', new SwitchboardError('INTERNAL', `the token provider failed: ${describe(error)}`, true));
      this.#scheduleReconnect();
    });
  }

  #openWith(token) {
    const target = new URL(this.url);
    if (token) target.searchParams.set(TOKEN_PARAMETER, token);
    target.searchParams.set(INSTANCE_PARAMETER, this.#instanceId);
    let socket;
    try {
      socket = new this.options.WebSocket(target.toString());
    } catch (error) {
      this.#scheduleReconnect();
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => { opened = true; this.#opened(socket, token); };
    socket.onmessage = (event) => { if (this.socket === socket) this.#received(String(event.data)); };
    socket.onclose = (event) => {
      if (!opened && !this.closing && this.socket === socket) {
        // Browsers hide the handshake's HTTP status; a refused connect looks like 1006 before open.
        this.socket = null;
        this.#scheduleReconnect();
        return;
      }
      this.#closed(socket, event.code);
    };
    socket.onerror = () => {};
  }

  #opened(socket, token) {
    if (this.closing || this.socket !== socket) { socket.close(); return; }
    this.attempt = 0;
    this.expiryReported = false;
    this.token = token;
    this.tokenExpiry = tokenExpiry(token);
    this.#setState(State.OPEN);
    this.#planRefresh();
    const carried = [...this.pending.values()];
    const rejoins = [...this.rooms].map(([room, sequencer]) => this.#rejoin(room, sequencer));
    for (const request of carried) if (request.frame.action === 'join' && !request.sent) this.#transmit(request);
    // The gateway may hand frames to concurrent invocations: a request that needs a room goes out again only once
    // the room is joined, or the server could see it first and answer NOT_IN_ROOM.
    Promise.allSettled(rejoins).then(() => {
      for (const request of carried) {
        if (this.socket === socket && request.frame.action !== 'join' && !request.sent
            && this.pending.get(request.frame.id) === request) {
          this.#transmit(request);
        }
      }
    });
    this.firstOpen?.resolve();
  }

  #closed(socket, code) {
    if (this.socket !== socket) return;
    this.socket = null;
    this.#cancelRefresh();
    if (this.closing) return;
    if (code === 1008) {
      this.#stop(new SwitchboardError('INTERNAL', 'closed by the server with 1008', false));
      return;
    }
    for (const request of [...this.pending.values()]) {
      const sent = request.sent;
      request.sent = false;
      const frame = request.frame;
      if (request.unprocessed) continue;
      if (frame.action === 'leave' || frame.action === 'direct' || (request.call && sent)) {
        this.#settle(frame.id, null, new SwitchboardError('INTERNAL', 'connection lost before the reply', true));
      } else if (request.internal && frame.action !== 'send') {
        this.#settle(frame.id, null, new SwitchboardError('INTERNAL', 'superseded', true));
      }
    }
    this.#scheduleReconnect();
  }

  #scheduleReconnect() {
    if (this.closing) return;
    this.#setState(State.RECONNECTING);
    const delay = backoffDelay(this.attempt++, this.options.backoffBaseMs, this.options.backoffCapMs);
    setTimeout(() => { if (!this.closing) this.#open(); }, delay);
  }

  #stop(error) {
    this.closing = true;
    clearInterval(this.heartbeat);
    this.#cancelRefresh();
    this.#failAll(error);
    this.#setState(State.CLOSED);
    this.firstOpen?.reject(error);
    this.#emit('onError', error);
  }

  #request(frame, { internal = false, call = false } = {}) {
    frame.id = `${this.#idPrefix}-${++this.nextId}`;
    const text = JSON.stringify(frame);
    if (encoder.encode(text).length > MAX_FRAME_BYTES) {
      return Promise.reject(new SwitchboardError('PAYLOAD_TOO_LARGE',
        `frame exceeds ${MAX_FRAME_BYTES} bytes (the limit for one WebSocket frame)`, false));
    }
    if (this.closing) return Promise.reject(new SwitchboardError('INTERNAL', 'client closed', false));
    return new Promise((resolve, reject) => {
      const request = {
        frame, text, resolve, reject, internal, call, attempts: 0, sent: false, unprocessed: false, timer: null,
      };
      this.pending.set(frame.id, request);
      if (this.state === State.OPEN) this.#transmit(request);
    });
  }

  #transmit(request) {
    request.attempts += 1;
    request.sent = true;
    request.unprocessed = false;
    clearTimeout(request.timer);
    request.timer = setTimeout(() => this.#timedOut(request), this.options.requestTimeoutMs);
    try {
      this.socket.send(request.text);
    } catch (error) {
      request.sent = false;
    }
  }

  #timedOut(request) {
    if (!this.pending.has(request.frame.id)) return;
    if (request.frame.action === 'send' && request.attempts < this.options.maxSendAttempts
        && this.state === State.OPEN) {
      this.#transmit(request);
      return;
    }
    if (this.state !== State.OPEN) return;
    this.#settle(request.frame.id, null, new SwitchboardError('INTERNAL',
      `no reply within ${this.options.requestTimeoutMs} ms`, true));
  }

  #settle(id, reply, error) {
    const request = this.pending.get(id);
    if (!request) return;
    this.pending.delete(id);
    clearTimeout(request.timer);
    if (error) {
      request.reject(error);
    } else {
      this.expiredInARow = 0;
      request.resolve(reply);
    }
  }

  #failAll(error) {
    for (const id of [...this.pending.keys()]) this.#settle(id, null, error);
  }

  #deliver(messages) {
    for (const message of messages) this.#emit('onMessage', message);
  }

  // ---- token refresh -----------------------------------------------------------------------------------------

  /** Schedules the refresh of the token the connection holds, from its expiry. */
  #planRefresh() {
    this.refreshFailures = 0;
    this.#cancelRefresh();
    if (this.refreshes && this.tokenExpiry !== null) this.#scheduleRefresh(refreshDelay(this.tokenExpiry - Date.now()));
  }

  #scheduleRefresh(delayMs) {
    const socket = this.socket;
    this.refreshTimer = setTimeout(() => this.#refresh(socket), delayMs);
  }

  #cancelRefresh() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  /** Replaces the connection's token with a fresh one from the provider; dropped if the socket was replaced. */
  async #refresh(socket) {
    this.refreshTimer = null;
    if (socket !== this.socket || this.state !== State.OPEN) return;
    let fresh;
    try {
      fresh = await this.#freshToken();
    } catch (error) {
      if (socket === this.socket) {
        this.#refreshFailed(new SwitchboardError('INTERNAL',
          `token refresh failed: the token provider failed: ${describe(error)}`, true));
      }
      return;
    }
    if (socket !== this.socket) return;
    if (fresh === this.token) {
      this.#refreshFailed(new SwitchboardError('INTERNAL',
        'token refresh failed: the token provider returned the token the connection holds', true));
      return;
    }
    let ack;
    try {
      ack = await this.#request({ action: 'refresh', token: fresh }, { internal: true });
    } catch (error) {
      if (socket === this.socket) {
        this.#refreshFailed(new SwitchboardError(error?.code ?? 'INTERNAL', `token refresh failed: ${describe(error)}`,
          error?.temporary ?? true));
      }
      return;
    }
    if (socket === this.socket) this.#refreshed(ack, fresh);
  }

  #refreshed(ack, fresh) {
    this.token = fresh;
    for (const room of ack.revoked ?? []) {
      if (this.rooms.has(room)) {
        this.#roomLost(room, new SwitchboardError('FORBIDDEN',
          `the refreshed token no longer grants room '${room}'; the server has left it`, false));
      }
    }
    if (typeof ack.exp !== 'number') {
      // A stack without authentication: the connection does not expire.
      this.tokenExpiry = null;
      return;
    }
    const previous = this.tokenExpiry;
    this.tokenExpiry = ack.exp * 1000;
    if (previous !== null && this.tokenExpiry <= previous) {
      this.#refreshFailed(new SwitchboardError('INTERNAL',
        'token refresh failed: the fresh token expires no later than the one it replaced', true));
      return;
    }
    this.#planRefresh();
  }

  // Reports a failed refresh and tries again with backoff while the token is still valid. Past its expiry the
  // server answers the next frame with TOKEN_EXPIRED and closes the connection; the client then reconnects with a
  // fresh token.
  #refreshFailed(error) {
    this.#emit('onError', error);
    if (this.tokenExpiry === null) return;
    const wait = backoffDelay(this.refreshFailures++, this.options.backoffBaseMs, this.options.backoffCapMs);
    if (Date.now() + wait < this.tokenExpiry) this.#scheduleRefresh(wait);
  }

  // The server refused a frame because the connection's token had expired, and closes the connection. The frame
  // was not acted on, so it goes out again (a leave is done: the connection leaves every room as it closes). The
  // client does not wait for the close: it reconnects now, with a fresh token from the provider.
  #tokenExpired(frame, request) {
    if (!this.expiryReported) {
      this.expiryReported = true;
      this.#emit('onError', new SwitchboardError('TOKEN_EXPIRED', frame.message, false));
    }
    if (request) {
      const { id, action } = request.frame;
      if (action === 'leave') {
        this.#settle(id, { type: 'ack', id, action: 'leave' }, null);
      } else if (request.internal && action !== 'send') {
        this.#settle(id, null, new SwitchboardError('INTERNAL', 'superseded', true));
      } else {
        request.unprocessed = true;
        request.attempts -= 1;
        clearTimeout(request.timer);
      }
    }
    // Back off if connections keep expiring before they do anything (a provider handing out a token the handshake
    // still accepts but the server already counts as expired).
    this.attempt = this.expiredInARow++;
    this.dropConnection();
  }

  // ---- rooms -------------------------------------------------------------------------------------------------

  // Joins a room, resuming after the last delivered seq when there is one. Resuming needs the history right:
  // without it the server refuses (FORBIDDEN) and the client joins without resuming, telling the application
  // through onReset that it may have missed messages. Two tries at most.
  async #enter(room, sequencer, internal) {
    if (!sequencer.knowsPosition) return this.#request({ action: 'join', room }, { internal });
    try {
      return await this.#request({ action: 'join', room, after: sequencer.delivered }, { internal });
    } catch (error) {
      if (error?.code !== 'FORBIDDEN' || this.rooms.get(room) !== sequencer) throw error;
    }
    const ack = await this.#request({ action: 'join', room }, { internal });
    if (typeof ack.seq === 'number' && this.rooms.get(room) === sequencer) {
      this.#skipUnreadable(room, sequencer, ack.seq, 'messages sent while this client was away');
    }
    return ack;
  }

  #rejoin(room, sequencer) {
    return this.#enter(room, sequencer, true).catch((error) => {
      if (error?.code === 'FORBIDDEN' && this.rooms.get(room) === sequencer) this.#roomLost(room, error);
    });
  }

  /** Asks for the messages of a room after its position; without the history right, skips what is missing. */
  #resume(room, sequencer) {
    this.#request({ action: 'resume', room, after: sequencer.delivered }, { internal: true }).catch((error) => {
      if (error?.code === 'FORBIDDEN' && this.rooms.get(room) === sequencer && sequencer.hasGap) {
        this.#skipUnreadable(room, sequencer, sequencer.firstWaiting - 1, 'messages that did not arrive live');
      }
    });
  }

  // Continues a room after `seq` when the messages up to it cannot be read from history (the token does not
  // grant it), and tells the application as a reset.
  #skipUnreadable(room, sequencer, seq, what) {
    const position = sequencer.delivered;
    if (seq <= position) return;
    const range = seq > position + 1 ? `${position + 1}-${seq}` : `${seq}`;
    this.#emit('onReset', {
      type: 'reset', room, seq,
      reason: `messages ${range} (${what}) may have been missed: this connection may not read the room's history`,
    });
    this.#deliver(sequencer.reset(seq));
    this.#watchGap(room, sequencer);
  }

  #roomLost(room, error) {
    this.#forget(room);
    this.#emit('onRoomLost', room, error);
  }

  #forget(room) {
    this.rooms.delete(room);
    this.gapWaits.delete(room);
    clearTimeout(this.gapChecks.get(room));
    this.gapChecks.delete(room);
  }

  // ---- frames from the server --------------------------------------------------------------------------------

  #received(text) {
    let frame;
    try { frame = JSON.parse(text); } catch { return; }
    if (!frame || typeof frame !== 'object') return;
    switch (frame.type) {
      case 'message': {
        const sequencer = this.rooms.get(frame.room);
        if (sequencer) {
          this.#deliver(sequencer.accept(frame));
          this.#watchGap(frame.room, sequencer);
        }
        break;
      }
      case 'direct': this.#emit('onDirect', frame); break;
      case 'presence_change': this.#emit('onPresence', frame); break;
      case 'ack': {
        const request = this.pending.get(frame.id);
        if (frame.action === 'join' && typeof frame.seq === 'number' && request) {
          const sequencer = this.rooms.get(request.frame.room);
          if (sequencer) this.#deliver(sequencer.start(frame.seq));
        }
        this.#settle(frame.id, frame, null);
        break;
      }
      case 'history': this.#history(frame); this.#settle(frame.id, frame, null); break;
      case 'reset': {
        const sequencer = this.rooms.get(frame.room);
        if (sequencer) {
          this.#emit('onReset', frame);
          this.#deliver(sequencer.reset(frame.seq));
          // What follows the skipped seqs may still be in history.
          this.#resume(frame.room, sequencer);
        }
        this.#settle(frame.id, frame, null);
        break;
      }
      case 'error': this.#error(frame); break;
      case 'pong':
      case 'presence':
      case 'reply': this.#settle(frame.id, frame, null); break;
      default: break; // Frames of newer protocol versions are ignored.
    }
  }

  #history(frame) {
    const sequencer = this.rooms.get(frame.room);
    if (!sequencer) return;
    for (const message of frame.messages ?? []) this.#deliver(sequencer.accept(message));
    if (!sequencer.knowsPosition) {
      const first = frame.messages?.[0];
      this.#deliver(sequencer.start(first ? first.seq - 1 : frame.seq));
    }
    if (frame.more) {
      this.#resume(frame.room, sequencer);
    } else {
      this.#watchGap(frame.room, sequencer);
    }
  }

  #error(frame) {
    const request = frame.id ? this.pending.get(frame.id) : undefined;
    if (frame.code === 'TOKEN_EXPIRED') { this.#tokenExpired(frame, request); return; }
    const error = new SwitchboardError(frame.code, frame.message, frame.temporary === true);
    if (!request) { this.#emit('onError', error); return; }
    if (error.temporary && request.attempts < this.options.maxSendAttempts
        && (request.frame.action === 'send' || REFUSED_UNDONE.has(frame.code))) {
      clearTimeout(request.timer);
      const delay = retryDelay(frame.retryAfterMs, request.attempts, this.options.backoffBaseMs,
        this.options.backoffCapMs);
      setTimeout(() => {
        if (this.pending.has(request.frame.id) && this.state === State.OPEN) this.#transmit(request);
      }, delay);
      return;
    }
    this.#settle(frame.id, null, error);
  }

  // While the same gap stays open (its message still with a slow or failed sender), each further resume waits
  // twice as long, so a big room does not ask every second for the 30 s the server may take to give up on it.
  #watchGap(room, sequencer) {
    if (!sequencer.hasGap) { this.gapWaits.delete(room); return; }
    if (this.gapChecks.has(room)) return;
    this.gapChecks.set(room, setTimeout(() => {
      this.gapChecks.delete(room);
      const current = this.rooms.get(room);
      if (current?.hasGap && this.state === State.OPEN) {
        const resumes = this.#resumesAt(room, current.delivered) + 1;
        this.gapWaits.set(room, { position: current.delivered, resumes });
        this.#resume(room, current);
      }
    }, gapDelay(this.options.gapTimeoutMs, this.#resumesAt(room, sequencer.delivered))));
  }

  /** How many resumes have asked about the room's gap at this position without filling it. */
  #resumesAt(room, position) {
    const wait = this.gapWaits.get(room);
    return wait && wait.position === position ? wait.resumes : 0;
  }
}
