// Switchboard JavaScript client: an ES module with no dependencies, for browsers and Node >= 20
// (Node 20 needs --experimental-websocket; Node 22+ has WebSocket built in).
//
// Same protocol and guarantees as the Java client: requests resolve with the server's reply, a heartbeat keeps
// the socket under API Gateway's idle timeout, a lost connection comes back with exponential backoff and full
// jitter, every joined room is re-joined and resumed from the last seq seen, and each room's messages reach the
// application once and in seq order.

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

/** Each seq of one room once, in order, whatever order and however often messages arrive. */
export class RoomSequencer {
  constructor(position = UNKNOWN) {
    this.delivered = position;
    this.waiting = new Map();
  }

  get knowsPosition() { return this.delivered !== UNKNOWN; }

  get hasGap() { return this.knowsPosition && this.waiting.size > 0; }

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

const encoder = new TextEncoder();

export class SwitchboardClient {
  /**
   * @param {string} url  the API's wss:// URL (locally ws://localhost:3001/local)
   * @param {object} [options]  token, listeners (onMessage, onDirect, onPresence, onReset, onError,
   *   onStateChange) and tuning (requestTimeoutMs, heartbeatMs, backoffBaseMs, backoffCapMs, gapTimeoutMs)
   */
  constructor(url, options = {}) {
    this.options = {
      requestTimeoutMs: 10_000, heartbeatMs: 5 * 60_000, backoffBaseMs: 250, backoffCapMs: 30_000,
      gapTimeoutMs: 1_000, maxSendAttempts: 5, WebSocket: globalThis.WebSocket, ...options,
    };
    if (this.options.heartbeatMs >= 10 * 60_000) {
      throw new Error("heartbeatMs must stay under API Gateway's 10-minute idle timeout");
    }
    const target = new URL(url);
    if (options.token) target.searchParams.set('token', options.token);
    this.url = target.toString();
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

  /** Joins a room; resolves with the ack (or a history page when resuming). */
  join(room) {
    if (!this.rooms.has(room)) this.rooms.set(room, new RoomSequencer());
    const sequencer = this.rooms.get(room);
    const frame = { action: 'join', room };
    if (sequencer.knowsPosition) frame.after = sequencer.delivered;
    return this.#request(frame);
  }

  leave(room) {
    this.rooms.delete(room);
    return this.#request({ action: 'leave', room });
  }

  /** Sends any JSON value to a room; retried with the same id (never duplicated) if the reply goes missing. */
  send(room, data) {
    return this.#request({ action: 'send', room, data });
  }

  direct(user, data) {
    return this.#request({ action: 'direct', user, data });
  }

  presence(room) {
    return this.#request({ action: 'presence', room });
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
    this.#failAll(new SwitchboardError('INTERNAL', 'client closed', false));
    if (this.socket) this.socket.close(1000, 'bye');
    this.socket = null;
    this.#setState(State.CLOSED);
  }

  // ---- internals -------------------------------------------------------------------------------------------

  #emit(name, value) {
    const listener = this.options[name];
    if (typeof listener === 'function') {
      try { listener(value); } catch (error) { queueMicrotask(() => { throw error; }); }
    }
  }

  #setState(state) {
    if (this.state !== state) {
      this.state = state;
      this.#emit('onStateChange', state);
    }
  }

  #open() {
    let socket;
    try {
      socket = new this.options.WebSocket(this.url);
    } catch (error) {
      this.#scheduleReconnect();
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => { opened = true; this.#opened(socket); };
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

  #opened(socket) {
    if (this.closing || this.socket !== socket) { socket.close(); return; }
    this.attempt = 0;
    this.#setState(State.OPEN);
    for (const [room, sequencer] of this.rooms) {
      const frame = { action: 'join', room };
      if (sequencer.knowsPosition) frame.after = sequencer.delivered;
      this.#request(frame, { internal: true }).catch(() => {});
    }
    for (const request of this.pending.values()) {
      if (!request.sent) this.#transmit(request);
    }
    this.firstOpen?.resolve();
  }

  #closed(socket, code) {
    if (this.socket !== socket) return;
    this.socket = null;
    if (this.closing) return;
    if (code === 1008) {
      this.#stop(new SwitchboardError('INTERNAL', 'closed by the server with 1008', false));
      return;
    }
    for (const request of [...this.pending.values()]) {
      request.sent = false;
      const frame = request.frame;
      if (frame.action === 'leave' || frame.action === 'direct') {
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
    this.#failAll(error);
    this.#setState(State.CLOSED);
    this.firstOpen?.reject(error);
    this.#emit('onError', error);
  }

  #request(frame, { internal = false } = {}) {
    frame.id = `c${++this.nextId}`;
    const text = JSON.stringify(frame);
    if (encoder.encode(text).length > MAX_FRAME_BYTES) {
      return Promise.reject(new SwitchboardError('PAYLOAD_TOO_LARGE',
        `frame exceeds ${MAX_FRAME_BYTES} bytes (the limit for one WebSocket frame)`, false));
    }
    if (this.closing) return Promise.reject(new SwitchboardError('INTERNAL', 'client closed', false));
    return new Promise((resolve, reject) => {
      const request = { frame, text, resolve, reject, internal, attempts: 0, sent: false, timer: null };
      this.pending.set(frame.id, request);
      if (this.state === State.OPEN) this.#transmit(request);
    });
  }

  #transmit(request) {
    request.attempts += 1;
    request.sent = true;
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
    if (error) request.reject(error); else request.resolve(reply);
  }

  #failAll(error) {
    for (const id of [...this.pending.keys()]) this.#settle(id, null, error);
  }

  #deliver(messages) {
    for (const message of messages) this.#emit('onMessage', message);
  }

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
          this.#request({ action: 'resume', room: frame.room, after: sequencer.delivered }, { internal: true })
            .catch(() => {});
        }
        this.#settle(frame.id, frame, null);
        break;
      }
      case 'error': this.#error(frame); break;
      case 'pong':
      case 'presence': this.#settle(frame.id, frame, null); break;
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
      this.#request({ action: 'resume', room: frame.room, after: sequencer.delivered }, { internal: true })
        .catch(() => {});
    } else {
      this.#watchGap(frame.room, sequencer);
    }
  }

  #error(frame) {
    const error = new SwitchboardError(frame.code, frame.message, frame.temporary === true);
    const request = frame.id ? this.pending.get(frame.id) : undefined;
    if (!request) { this.#emit('onError', error); return; }
    if (error.temporary && request.frame.action === 'send' && request.attempts < this.options.maxSendAttempts) {
      clearTimeout(request.timer);
      const delay = backoffDelay(request.attempts, this.options.backoffBaseMs, this.options.backoffCapMs);
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
        this.#request({ action: 'resume', room, after: current.delivered }, { internal: true }).catch(() => {});
      }
    }, gapDelay(this.options.gapTimeoutMs, this.#resumesAt(room, sequencer.delivered))));
  }

  /** How many resumes have asked about the room's gap at this position without filling it. */
  #resumesAt(room, position) {
    const wait = this.gapWaits.get(room);
    return wait && wait.position === position ? wait.resumes : 0;
  }
}
