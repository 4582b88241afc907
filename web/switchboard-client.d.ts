// Type declarations for switchboard-client.mjs.

export type State = 'CONNECTING' | 'OPEN' | 'RECONNECTING' | 'CLOSED';
export declare const State: Readonly<{ CONNECTING: 'CONNECTING'; OPEN: 'OPEN'; RECONNECTING: 'RECONNECTING'; CLOSED: 'CLOSED' }>;
export declare const MAX_FRAME_BYTES: number;

export type ErrorCode =
  | 'MALFORMED_JSON' | 'UNKNOWN_ACTION' | 'MISSING_FIELD' | 'INVALID_FIELD' | 'PAYLOAD_TOO_LARGE' | 'NOT_IN_ROOM'
  | 'TOO_MANY_ROOMS' | 'FORBIDDEN' | 'TOKEN_EXPIRED' | 'UNKNOWN_CONNECTION' | 'IN_PROGRESS' | 'THROTTLED'
  | 'RATE_LIMITED' | 'OVERLOADED' | 'APPLICATION_ERROR' | 'APPLICATION_TIMEOUT' | 'HOOK_FAILED' | 'INTERNAL';

/** What an application route's name may be: a letter, then up to 63 letters, digits, _ or -. */
export declare const APPLICATION_ROUTE_NAME: RegExp;
/** Switchboard's own routes, whose names no application route may take. */
export declare const SWITCHBOARD_ROUTES: readonly string[];
/** Why `name` cannot be an application route's name, or null when it can. */
export declare function applicationRouteProblem(name: unknown): string | null;

export interface Message { type: 'message'; id: string; room: string; from: string; data: unknown; ts: number; seq: number }
export interface Ack {
  type: 'ack'; id?: string; action: string; messageId?: string; seq?: number;
  /** For `refresh`: when the connection's new token expires (epoch seconds). */
  exp?: number;
  /** For `refresh`: rooms the new token no longer grants, which the server has left. */
  revoked?: string[];
}
export interface History { type: 'history'; id?: string; room: string; messages: Message[]; more: boolean; seq: number }
export interface Reset { type: 'reset'; id?: string; room: string; seq: number; reason: string }
export interface Member { user: string; connections: number }
/** One page of presence: at most 100 connections; `cursor` (only while `more`) asks for the next page. */
export interface Presence { type: 'presence'; id?: string; room: string; members: Member[]; more: boolean; cursor?: string }
export interface PresenceChange { type: 'presence_change'; room: string; event: 'join' | 'leave'; user: string }
export interface Direct { type: 'direct'; id: string; from: string; data: unknown; ts: number }
export interface Pong { type: 'pong'; id?: string; ts: number }

export declare class SwitchboardError extends Error {
  readonly code: ErrorCode;
  /** Whether the same request may succeed later. */
  readonly temporary: boolean;
}

export interface ClientOptions {
  /** One JWT for every $connect, sent as the `token` query parameter. Never refreshed: see `tokenProvider`. */
  token?: string;
  /**
   * Returns a token valid now: asked at every connect and reconnect, and ahead of each token's expiry (at 80 % of
   * its remaining lifetime, at least 5 s before) to refresh the connection. Not together with `token`.
   */
  tokenProvider?: () => Promise<string> | string;
  onMessage?(message: Message): void;
  onDirect?(message: Direct): void;
  onPresence?(change: PresenceChange): void;
  /**
   * Messages up to `reset.seq` cannot be delivered: expired while away, or the token does not grant the room's
   * history. Delivery continues after `seq`.
   */
  onReset?(reset: Reset): void;
  /**
   * The client is no longer in a room it did not leave: a refreshed token no longer grants it, or the server
   * refused to re-join it after a reconnect (FORBIDDEN). Join it again to retry.
   */
  onRoomLost?(room: string, error: SwitchboardError): void;
  /**
   * Errors outside the application's requests: a refused refresh or failed token provider (retried until the token
   * expires), TOKEN_EXPIRED (the client reconnects with a fresh token), or a close with 1008 (the client stops).
   */
  onError?(error: SwitchboardError): void;
  onStateChange?(state: State): void;
  requestTimeoutMs?: number;
  /** Must stay under API Gateway's 10-minute idle timeout. Default 5 minutes. */
  heartbeatMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  gapTimeoutMs?: number;
  maxSendAttempts?: number;
  /** A WebSocket implementation, for runtimes without a global one. */
  WebSocket?: typeof WebSocket;
}

export declare class SwitchboardClient {
  constructor(url: string, options?: ClientOptions);
  readonly state: State;
  connect(): Promise<void>;
  /** Rejects with FORBIDDEN when the token does not grant the room (the client then forgets it). */
  join(room: string): Promise<Ack | History | Reset>;
  leave(room: string): Promise<Ack>;
  send(room: string, data: unknown): Promise<Ack>;
  direct(user: string, data: unknown): Promise<Ack>;
  /**
   * Calls an application route (e.g. 'typing'); resolves with the `data` its function answered. Rejects with
   * APPLICATION_ERROR, APPLICATION_TIMEOUT (temporary), UNKNOWN_ACTION or any frame's error; before sending, with
   * UNKNOWN_ACTION for a name no application route can have and INVALID_FIELD for data that is not JSON. Never sent
   * twice: a call in flight when the connection drops rejects with a temporary INTERNAL error.
   */
  call<T = unknown>(action: string, data?: unknown): Promise<T>;
  /** One page: the first, or the one after the page whose `cursor` is given. */
  presence(room: string, cursor?: string): Promise<Presence>;
  /** Every page, with each user's connections added up across pages; sorted by user. */
  presenceAll(room: string): Promise<Member[]>;
  ping(): Promise<Pong>;
  /** The seq of the last message delivered for a room, or -1. */
  position(room: string): number;
  /** Cuts the socket as a network failure would; the client reconnects by itself. */
  dropConnection(): void;
  close(): void;
}

export declare class RoomSequencer {
  constructor(position?: number);
  readonly delivered: number;
  readonly knowsPosition: boolean;
  readonly hasGap: boolean;
  readonly firstWaiting: number;
  start(position: number): Message[];
  accept(message: Message): Message[];
  reset(seq: number): Message[];
}

/** A JWT's `exp` in epoch milliseconds, or null (no `exp`, or not a JWT). The signature is not checked. */
export declare function tokenExpiry(token: string): number | null;
/** Delay before refreshing a token that expires in `remainingMs`: at 80 %, at least 5 s before, at least half. */
export declare function refreshDelay(remainingMs: number): number;
export declare const MIN_REFRESH_LEAD_MS: number;

export declare function backoffDelay(attempt: number, baseMs: number, capMs: number, random?: () => number): number;
/** Delay before retrying a refused request: `retryAfterMs` (when given) plus the backoff's full jitter. */
export declare function retryDelay(retryAfterMs: number | null | undefined, attempt: number, baseMs: number,
  capMs: number, random?: () => number): number;
/** Delay before the next resume for a gap that `resumes` resumes have not filled: doubling, 16x at most. */
export declare function gapDelay(gapTimeoutMs: number, resumes: number): number;
