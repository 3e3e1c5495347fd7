/*
 * bridge-core.js: the page half of the host <-> page bridge (docs/whatsapp-bridge-protocol.md).
 *
 * Transport (envelopes with epoch / seq / t0), the command dispatcher, the phase machine, the
 * idempotency map of sends and the media chunk buffers. It names no WhatsApp module: the
 * adapter registered in `window.__waBridgeAdapters` knows WhatsApp's internals.
 *
 * Idempotent (a second run in the same document does nothing) and inert in iframes.
 */
(function () {
  'use strict';

  if (window.top !== window) return; // iframes never emit
  if (window.__waBridge) return; // already installed in this document

  const PROTOCOL_VERSION = 1;
  const POLL_MS = 200;
  const SENT_STORAGE_KEY = '__waBridge.sent';
  const SENT_LIMIT = 500;
  const OUTBOX_LIMIT = 1000;
  const BUFFER_TTL_MS = 10 * 60 * 1000;
  const MAX_BUFFER_BYTES = 128 * 1024 * 1024;
  const DEFAULT_TAKE_BYTES = 512 * 1024;
  const PHASES = ['loading', 'booting', 'unpaired', 'syncing', 'ready'];
  const ERROR_NAMES = new Set([
    'NotReady',
    'Degraded',
    'BadArgs',
    'NotFound',
    'SendFailed',
    'MediaUnavailable',
    'Failed',
  ]);
  const BASE64_CHUNK = /^[A-Za-z0-9+/]*={0,2}$/;

  const epoch = randomId();
  const t0 = performance.timeOrigin;
  let seq = 0;
  let phase = null;
  let socketState = null;
  let adapter = null;
  let adapterFailure = null; // why the adapter could not be created, if it could not
  let loggedOutEmitted = false;
  let reportedMissing = new Set();

  // ---------------------------------------------------------------- transport

  function randomId() {
    const bytes = new Uint8Array(9);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => (b % 36).toString(36)).join('');
  }

  function emit(type, data) {
    seq += 1;
    const envelope = { v: PROTOCOL_VERSION, seq, epoch, t0, type, data: data == null ? {} : data };
    deliver(JSON.stringify(envelope));
  }

  /** Sends through the CDP binding; without one, queues in `window.__waBridgeOutbox`. */
  function deliver(text) {
    const binding = window.__waEmit;
    if (typeof binding !== 'function') {
      queue(text);
      return;
    }
    flushOutbox(binding);
    try {
      binding(text);
    } catch (err) {
      queue(text);
    }
  }

  function outbox() {
    if (!Array.isArray(window.__waBridgeOutbox)) window.__waBridgeOutbox = [];
    return window.__waBridgeOutbox;
  }

  function queue(text) {
    const box = outbox();
    box.push(text);
    if (box.length > OUTBOX_LIMIT) box.splice(0, box.length - OUTBOX_LIMIT);
  }

  /** The binding can appear after the first envelopes (tests): deliver what was queued. */
  function flushOutbox(binding) {
    const box = window.__waBridgeOutbox;
    if (!Array.isArray(box) || box.length === 0) return;
    for (const text of box.splice(0)) {
      try {
        binding(text);
      } catch (err) {
        return;
      }
    }
  }

  function log(level, message) {
    emit('log', { level, message: String(message) });
  }

  function waVersion() {
    const debug = window.Debug;
    return (debug && debug.VERSION) || null;
  }

  // ---------------------------------------------------------------- errors

  function bridgeError(name, message) {
    const err = new Error(message);
    err.name = ERROR_NAMES.has(name) ? name : 'Failed';
    err.isBridgeError = true;
    return err;
  }

  function errorPayload(err) {
    if (err && err.isBridgeError) return { name: err.name, message: err.message };
    if (err instanceof Error) return { name: 'Failed', message: `${err.name}: ${err.message}` };
    return { name: 'Failed', message: String(err) };
  }

  // ---------------------------------------------------------------- phases

  /** Emits `phase` when the phase changes; returns whether it did. */
  function setPhase(next, extra) {
    if (!PHASES.includes(next)) throw new Error(`unknown phase ${next}`);
    if (extra && 'socketState' in extra) socketState = extra.socketState == null ? null : extra.socketState;
    if (next === phase) return false;
    phase = next;
    emit('phase', { phase, socketState, waVersion: waVersion() });
    return true;
  }

  /** `logged_out` is emitted at most once per page context. */
  function emitLoggedOut(reason) {
    if (loggedOutEmitted) return false;
    loggedOutEmitted = true;
    emit('logged_out', { reason: String(reason || 'logout') });
    return true;
  }

  /** A reload of the post-logout URL is not a new logout. */
  function isPostLogoutNavigation() {
    if (new URLSearchParams(location.search).get('post_logout') !== '1') return false;
    const navigation = performance.getEntriesByType('navigation')[0];
    return !(navigation && navigation.type === 'reload');
  }

  // ---------------------------------------------------------------- capabilities

  function requireAdapter() {
    if (adapter) return adapter;
    if (adapterFailure) throw bridgeError('NotReady', `the adapter failed to start: ${adapterFailure}`);
    throw bridgeError('NotReady', 'the bridge has not attached to WhatsApp Web yet');
  }

  function announceCapabilities() {
    const current = requireAdapter();
    const found = current.probe();
    const report = { adapter: current.id, waVersion: waVersion(), ok: found.ok, missing: found.missing };
    emit('capabilities', report);
    reportedMissing = new Set(found.missing);
    if (found.missing.length > 0) emit('degraded', { missing: found.missing });
    return report;
  }

  /** Capabilities found missing after the last report: emits `degraded` for the new ones. */
  function reportMissing(capabilities) {
    const fresh = capabilities.filter((name) => !reportedMissing.has(name));
    if (fresh.length === 0) return;
    fresh.forEach((name) => reportedMissing.add(name));
    emit('degraded', { missing: fresh });
  }

  // ---------------------------------------------------------------- idempotency map

  const sentByKey = loadSentMap(); // key -> {id, ack, pending?}, oldest first
  const sendsInFlight = new Map(); // key -> Promise of {id, ack}

  function loadSentMap() {
    try {
      const list = JSON.parse(localStorage.getItem(SENT_STORAGE_KEY) || '[]');
      const valid = Array.isArray(list)
        ? list.filter((e) => Array.isArray(e) && typeof e[0] === 'string' && e[1] && e[1].id)
        : [];
      return new Map(valid);
    } catch (err) {
      return new Map();
    }
  }

  function saveSentMap() {
    while (sentByKey.size > SENT_LIMIT) sentByKey.delete(sentByKey.keys().next().value);
    try {
      localStorage.setItem(SENT_STORAGE_KEY, JSON.stringify(Array.from(sentByKey)));
    } catch (err) {
      log('warn', `could not save the idempotency map: ${err.message}`);
    }
  }

  function rememberSent(key, entry) {
    sentByKey.delete(key); // re-insert: newest last
    sentByKey.set(key, entry);
    saveSentMap();
  }

  function forgetPendingSend(key) {
    const entry = sentByKey.get(key);
    if (entry && entry.pending) {
      sentByKey.delete(key);
      saveSentMap();
    }
  }

  function isSentId(id) {
    for (const entry of sentByKey.values()) if (entry.id === id) return true;
    return false;
  }

  /**
   * One send per key. The adapter calls `context.willSend(id)` just before handing the message
   * to WhatsApp, so a retry after a lost answer (or a reload) does not send it a second time.
   */
  function sendOnce(command, args) {
    const key = args.key;
    if (typeof key !== 'string' || key === '') {
      return Promise.reject(bridgeError('BadArgs', `${command} needs a non-empty string "key"`));
    }
    const known = sentByKey.get(key);
    if (known) return Promise.resolve({ id: known.id, ack: known.ack });
    const running = sendsInFlight.get(key);
    if (running) return running;

    const context = { willSend: (id) => rememberSent(key, { id, ack: 0, pending: true }) };
    const run = runAdapterCommand(command, args, context).then(
      (value) => {
        rememberSent(key, { id: value.id, ack: value.ack });
        return value;
      },
      (err) => {
        forgetPendingSend(key);
        throw err;
      },
    );
    sendsInFlight.set(key, run);
    const settle = () => sendsInFlight.delete(key);
    run.then(settle, settle);
    return run;
  }

  // ---------------------------------------------------------------- media buffers

  const uploads = new Map(); // token -> {parts, chars, padding, touched}
  const downloads = new Map(); // token -> {bytes, touched}
  let downloadCount = 0;

  function sweepBuffers() {
    const oldest = Date.now() - BUFFER_TTL_MS;
    for (const buffers of [uploads, downloads]) {
      for (const [token, buffer] of buffers) if (buffer.touched < oldest) buffers.delete(token);
    }
  }

  function base64Size(chars, padding) {
    return Math.max(0, Math.floor((chars * 3) / 4) - padding);
  }

  function mediaPut(args) {
    const token = requireString(args.token, 'token');
    const chunk = args.chunk;
    if (typeof chunk !== 'string' || !BASE64_CHUNK.test(chunk)) {
      throw bridgeError('BadArgs', 'mediaPut needs "chunk" as a base64 string');
    }
    sweepBuffers();
    const buffer = uploads.get(token) || { parts: [], chars: 0, padding: 0, touched: 0 };
    buffer.parts.push(chunk);
    buffer.chars += chunk.length;
    buffer.padding = chunk.endsWith('==') ? 2 : chunk.endsWith('=') ? 1 : 0;
    buffer.touched = Date.now();
    const size = base64Size(buffer.chars, buffer.padding);
    if (size > MAX_BUFFER_BYTES) {
      uploads.delete(token);
      throw bridgeError('BadArgs', `upload ${token} exceeds ${MAX_BUFFER_BYTES} bytes`);
    }
    uploads.set(token, buffer);
    return { size };
  }

  /** The whole upload buffer `token` as one base64 string (for the adapter). */
  function uploadBase64(token) {
    const buffer = uploads.get(token);
    if (!buffer) throw bridgeError('NotFound', `no upload buffer ${token}`);
    if (buffer.parts.length > 1) buffer.parts = [buffer.parts.join('')];
    return buffer.parts[0] || '';
  }

  /** Holds downloaded bytes for `mediaTake`; returns the token. */
  function putDownload(data) {
    sweepBuffers();
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    downloadCount += 1;
    const token = `dl-${epoch}-${downloadCount}`;
    downloads.set(token, { bytes, touched: Date.now() });
    return token;
  }

  function mediaTake(args) {
    const token = requireString(args.token, 'token');
    const buffer = downloads.get(token);
    if (!buffer) throw bridgeError('NotFound', `no download buffer ${token}`);
    const size = buffer.bytes.length;
    const offset = args.offset == null ? 0 : args.offset;
    const length = args.length == null ? DEFAULT_TAKE_BYTES : args.length;
    if (!Number.isInteger(offset) || offset < 0 || offset > size) {
      throw bridgeError('BadArgs', `offset must be an integer within 0..${size}`);
    }
    if (!Number.isInteger(length) || length <= 0) throw bridgeError('BadArgs', 'length must be a positive integer');
    const end = Math.min(size, offset + length);
    const chunk = encodeBase64(buffer.bytes.subarray(offset, end));
    const done = end >= size;
    if (done) downloads.delete(token);
    else buffer.touched = Date.now();
    return { chunk, done };
  }

  function encodeBase64(bytes) {
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }

  function decodeBase64(text) {
    let binary;
    try {
      binary = atob(text);
    } catch (err) {
      throw bridgeError('BadArgs', 'the upload is not valid base64');
    }
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // ---------------------------------------------------------------- commands

  function requireString(value, name) {
    if (typeof value !== 'string' || value === '') throw bridgeError('BadArgs', `"${name}" must be a non-empty string`);
    return value;
  }

  function parseArgs(argsJson) {
    if (argsJson == null || argsJson === '') return {};
    let args = argsJson;
    if (typeof argsJson === 'string') {
      try {
        args = JSON.parse(argsJson);
      } catch (err) {
        throw bridgeError('BadArgs', `argsJson is not JSON: ${err.message}`);
      }
    }
    if (args === null) return {};
    if (typeof args !== 'object' || Array.isArray(args)) throw bridgeError('BadArgs', 'args must be a JSON object');
    return args;
  }

  function runAdapterCommand(name, args, context) {
    const commands = requireAdapter().commands || {};
    if (!Object.prototype.hasOwnProperty.call(commands, name)) {
      return Promise.reject(bridgeError('BadArgs', `unknown command ${name}`));
    }
    return Promise.resolve().then(() => commands[name](args, context));
  }

  const CORE_COMMANDS = {
    hello: () => ({
      epoch,
      lastSeq: seq,
      adapter: adapter ? adapter.id : null,
      phase,
      waVersion: waVersion(),
    }),
    status: (args) => (adapter ? runAdapterCommand('status', args) : { phase, socketState, me: null }),
    capabilities: () => announceCapabilities(),
    mediaPut,
    mediaTake,
    sendText: (args) => sendOnce('sendText', args),
    sendMedia: (args) => {
      const release = () => uploads.delete(args.token);
      return sendOnce('sendMedia', args).then(
        (value) => {
          release();
          return value;
        },
        (err) => {
          release();
          throw err;
        },
      );
    },
  };

  /** Always resolves to `{ok, value}` or `{ok: false, error: {name, message}}`. */
  async function call(name, argsJson) {
    try {
      const args = parseArgs(argsJson);
      const command = String(name);
      const value = Object.prototype.hasOwnProperty.call(CORE_COMMANDS, command)
        ? await CORE_COMMANDS[command](args)
        : await runAdapterCommand(command, args);
      return { ok: true, value: value === undefined ? null : value };
    } catch (err) {
      return { ok: false, error: errorPayload(err) };
    }
  }

  // ---------------------------------------------------------------- adapter start

  const coreApi = Object.freeze({
    emit,
    log,
    setPhase,
    phase: () => phase,
    waVersion,
    error: bridgeError,
    emitLoggedOut,
    announceCapabilities,
    reportMissing,
    isSentId,
    uploadBase64,
    putDownload,
    decodeBase64,
  });

  function pickFactory() {
    const list = window.__waBridgeAdapters;
    if (!Array.isArray(list)) return null;
    for (let i = list.length - 1; i >= 0; i -= 1) if (typeof list[i] === 'function') return list[i];
    return null;
  }

  /** True once there is nothing more to wait for (attached, or failed for good). */
  function tryAttach() {
    if (adapter || adapterFailure) return true;
    if (!waVersion() || typeof window.require !== 'function') return false;
    const factory = pickFactory();
    if (!factory) return false;
    try {
      const created = factory(coreApi);
      if (!created || typeof created.probe !== 'function' || typeof created.start !== 'function') {
        throw new Error('the adapter factory returned no adapter');
      }
      adapter = created;
      log('info', `adapter ${adapter.id} attached to WhatsApp Web ${waVersion()}`);
      adapter.start();
    } catch (err) {
      if (!adapter) adapterFailure = String(err && err.message ? err.message : err);
      log('error', `adapter start failed: ${err && err.stack ? err.stack : err}`);
    }
    return true;
  }

  Object.defineProperty(window, '__waBridge', {
    value: Object.freeze({ v: PROTOCOL_VERSION, epoch, call }),
    writable: false,
    configurable: false,
    enumerable: false,
  });
  if (!Array.isArray(window.__waBridgeAdapters)) window.__waBridgeAdapters = [];

  setPhase('loading');
  if (isPostLogoutNavigation()) emitLoggedOut('post_logout');
  if (!tryAttach()) {
    const timer = setInterval(() => {
      if (tryAttach()) clearInterval(timer);
    }, POLL_MS);
  }
})();
