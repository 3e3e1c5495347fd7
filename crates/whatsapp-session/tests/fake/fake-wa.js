/*
 * fake-wa.js: a small model of WhatsApp Web 2.3000 for offline tests of the page bridge.
 *
 * It exposes the modules the adapter uses through `window.require(name)` (which throws for
 * unknown names, as Meta's loader does), with the same names, export paths and signatures, on
 * a tiny Backbone-like core. Tests drive it through `window.__fake`
 * (docs/whatsapp-bridge-protocol.md, "Fake page control surface"). It knows nothing about the
 * bridge.
 */
(function () {
  'use strict';

  if (window.__fake) return;

  const VERSION = '2.3000.9999999-fake';
  const SESSION_KEY = 'fake-wa-session';
  const COUNTERS_KEY = 'fake-wa-counters';
  const FIRST_REF_MS = 60000;
  const NEXT_REF_MS = 20000;
  const OPENING_HOLD_MS = 400;
  const PAIRING_MS = 150;
  const SERVER_DELAY_MS = 30;
  const DECRYPT_DELAY_MS = 50;
  const SYNC_STEP_MS = 100;
  const AUTO_ACK_STEPS = [[2, 500], [3, 1000]];
  const LOGOUT_NAVIGATION_MS = 50;
  const DEVICE_PLATFORM = 'WEB';
  const PAIRING_CODE = 'FAKE2345';
  const DEFAULT_SETTINGS = {
    timeScale: 1,
    bootDelayMs: 300,
    qrRefs: 6,
    autoAck: false,
    reloadAfterLogin: false,
    strictSignatures: false,
  };

  // Fixed key material, so the QR string is known to the tests.
  const NOISE_PUB = byteRange(0x01, 32);
  const IDENTITY_PUB = byteRange(0x21, 33);
  const ADV_SECRET = base64FromBytes(byteRange(0x61, 32));

  // ================================================================ settings

  function readSettings(search) {
    const query = new URLSearchParams(search);
    const number = (name, min) => {
      const value = Number(query.get(name));
      return query.has(name) && Number.isFinite(value) && value >= min ? value : DEFAULT_SETTINGS[name];
    };
    const flag = (name) => (query.has(name) ? ['1', 'true'].includes(query.get(name)) : DEFAULT_SETTINGS[name]);
    return {
      timeScale: number('timeScale', 0) || DEFAULT_SETTINGS.timeScale,
      bootDelayMs: number('bootDelayMs', 0),
      qrRefs: Math.max(1, Math.floor(number('qrRefs', 1))),
      autoAck: flag('autoAck'),
      reloadAfterLogin: flag('reloadAfterLogin'),
      strictSignatures: flag('strictSignatures'),
    };
  }

  function settingsQuery() {
    const s = state.settings;
    const bit = (value) => (value ? '1' : '0');
    return new URLSearchParams({
      timeScale: String(s.timeScale),
      bootDelayMs: String(s.bootDelayMs),
      qrRefs: String(s.qrRefs),
      autoAck: bit(s.autoAck),
      reloadAfterLogin: bit(s.reloadAfterLogin),
      strictSignatures: bit(s.strictSignatures),
    }).toString();
  }

  function scaled(ms) {
    return ms * state.settings.timeScale;
  }

  // ================================================================ bytes

  function byteRange(first, count) {
    return Uint8Array.from({ length: count }, (_, i) => (first + i) & 0xff);
  }

  function base64FromBytes(data) {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }

  function bytesFromBase64(text) {
    const binary = atob(text);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  /** FNV-1a, twice with different seeds: a deterministic stand-in for WhatsApp's hashes. */
  function fakeHash(bytes) {
    const fnv = (seed) => {
      let h = seed >>> 0;
      for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
      return h.toString(16).padStart(8, '0');
    };
    return `${fnv(2166136261)}${fnv(33554467)}${bytes.length.toString(16)}`;
  }

  // ================================================================ Backbone-like core

  function splitNames(names) {
    return String(names).split(/\s+/).filter(Boolean);
  }

  class Emitter {
    constructor() {
      Object.defineProperty(this, '_handlers', { value: new Map() });
    }

    on(names, fn, context) {
      for (const name of splitNames(names)) {
        if (!this._handlers.has(name)) this._handlers.set(name, []);
        this._handlers.get(name).push({ fn, context });
      }
      return this;
    }

    off(names, fn) {
      const list = names ? splitNames(names) : Array.from(this._handlers.keys());
      for (const name of list) {
        if (!fn) this._handlers.delete(name);
        else this._handlers.set(name, (this._handlers.get(name) || []).filter((h) => h.fn !== fn && h.fn._original !== fn));
      }
      return this;
    }

    once(names, fn, context) {
      for (const name of splitNames(names)) {
        const self = this;
        const wrapper = function () {
          self.off(name, wrapper);
          return fn.apply(this, arguments);
        };
        wrapper._original = fn;
        this.on(name, wrapper, context);
      }
      return this;
    }

    /** Handler errors are recorded (see `__fake.errors()`) and do not stop the other handlers. */
    trigger(name, ...args) {
      for (const handler of (this._handlers.get(name) || []).slice()) {
        try {
          handler.fn.apply(handler.context || this, args);
        } catch (err) {
          state.errors.push({ event: name, message: String(err && err.stack ? err.stack : err) });
          console.error(`fake-wa: a "${name}" handler threw`, err);
        }
      }
      return this;
    }
  }

  /** Attributes are plain properties; `set` emits `change:<k>` (model, value, prev), then `change`. */
  class Model extends Emitter {
    constructor(attrs) {
      super();
      Object.defineProperty(this, 'collection', { value: null, writable: true });
      Object.assign(this, attrs);
    }

    get(key) {
      return this[key];
    }

    set(attrs, value) {
      const changes = typeof attrs === 'string' ? { [attrs]: value } : attrs || {};
      const changed = [];
      for (const [key, next] of Object.entries(changes)) {
        const prev = this[key];
        if (prev === next) continue;
        this[key] = next;
        changed.push([key, next, prev]);
      }
      for (const [key, next, prev] of changed) this.trigger(`change:${key}`, this, next, prev);
      if (changed.length > 0) this.trigger('change', this);
      return this;
    }

    /** Model events are re-emitted by the collection holding the model. */
    trigger(name, ...args) {
      super.trigger(name, ...args);
      if (this.collection) this.collection.trigger(name, ...args);
      return this;
    }

    serialize() {
      return Object.assign({}, this);
    }

    toJSON() {
      return this.serialize();
    }
  }

  function idKey(id) {
    if (id == null) return null;
    if (typeof id === 'string') return id;
    if (typeof id._serialized === 'string') return id._serialized;
    if (id.id != null && typeof id.id === 'object') return idKey(id.id);
    return String(id);
  }

  class Collection extends Emitter {
    constructor(modelClass) {
      super();
      this.modelClass = modelClass;
      Object.defineProperty(this, '_byId', { value: new Map() });
    }

    get length() {
      return this._byId.size;
    }

    get(id) {
      const key = idKey(id);
      return key == null ? undefined : this._byId.get(key);
    }

    add(input, options) {
      const list = Array.isArray(input) ? input : [input];
      const added = list.map((item) => this._addOne(item, options || {}));
      return Array.isArray(input) ? added : added[0];
    }

    _addOne(item, options) {
      const model = item instanceof Model ? item : new this.modelClass(item);
      const key = idKey(model.id);
      const existing = this._byId.get(key);
      if (existing) return existing;
      this._byId.set(key, model);
      model.collection = this;
      this.trigger('add', model, this, options);
      return model;
    }

    remove(input) {
      const list = Array.isArray(input) ? input : [input];
      const removed = [];
      for (const item of list) {
        const model = this.get(item);
        if (!model) continue;
        this._byId.delete(idKey(model.id));
        model.collection = null;
        this.trigger('remove', model, this, {});
        removed.push(model);
      }
      return Array.isArray(input) ? removed : removed[0];
    }

    find(id) {
      const model = this.get(id);
      return model ? Promise.resolve(model) : Promise.reject(new Error(`not found: ${idKey(id)}`));
    }

    getModelsArray() {
      return Array.from(this._byId.values());
    }

    filter(fn) {
      return this.getModelsArray().filter(fn);
    }
  }

  // ================================================================ ids

  class Wid {
    constructor(serialized) {
      const at = serialized.indexOf('@');
      this.user = serialized.slice(0, at);
      this.server = serialized.slice(at + 1);
      this._serialized = serialized;
    }

    toString() {
      return this._serialized;
    }

    toJSON() {
      return this._serialized;
    }

    equals(other) {
      return other != null && idKey(other) === this._serialized;
    }

    isGroup() {
      return this.server === 'g.us';
    }

    isLid() {
      return this.server === 'lid';
    }

    isUser() {
      return this.server === 'c.us' || this.server === 'lid';
    }

    isStatus() {
      return this._serialized === 'status@broadcast';
    }
  }

  function toWid(value) {
    if (value instanceof Wid) return value;
    const text = idKey(value);
    if (!text) throw new TypeError('a wid is required');
    if (text.includes('@')) return new Wid(text);
    const digits = text.replace(/\D/g, '');
    if (!digits) throw new TypeError(`not a wid: ${text}`);
    return new Wid(`${digits}@c.us`);
  }

  /** `<fromMe>_<remote>_<id>`, plus `_<participant>` for group / status messages of others. */
  class MsgKey {
    constructor(fields) {
      if (!fields || !fields.id) throw new TypeError('MsgKey needs an id');
      const fromMe = 'fromMe' in fields ? Boolean(fields.fromMe) : fields.selfDir === 'out';
      this.fromMe = fromMe;
      this.remote = toWid(fields.remote || (fromMe ? fields.to : fields.from));
      this.id = String(fields.id);
      this.participant = fields.participant ? toWid(fields.participant) : undefined;
      const suffix = this.participant && !fromMe ? `_${this.participant._serialized}` : '';
      this._serialized = `${fromMe}_${this.remote._serialized}_${this.id}${suffix}`;
    }

    toString() {
      return this._serialized;
    }

    toJSON() {
      return this._serialized;
    }

    static newId() {
      return Promise.resolve(nextId('out', 'FAKEMSG'));
    }

    static fromString(text) {
      const [fromMe, remote, id, participant] = String(text).split('_');
      if (!remote || !id) throw new TypeError(`not a message key: ${text}`);
      return new MsgKey({ fromMe: fromMe === 'true', remote, id, participant });
    }
  }

  function nextId(kind, prefix) {
    let counters = {};
    try {
      counters = JSON.parse(localStorage.getItem(COUNTERS_KEY) || '{}') || {};
    } catch (err) {
      counters = {};
    }
    counters[kind] = (counters[kind] || 0) + 1;
    localStorage.setItem(COUNTERS_KEY, JSON.stringify(counters));
    return `${prefix}${String(counters[kind]).padStart(6, '0')}`;
  }

  // ================================================================ models

  class MsgModel extends Model {
    unsafe() {
      return this;
    }

    sender() {
      return this.id.fromMe ? state.me : this.author || this.from;
    }

    msgContextInfo(chat) {
      return {
        quotedMsg: { type: this.type, body: this.body },
        quotedStanzaID: this.id.id,
        quotedRemoteJid: this.id.remote,
        quotedParticipant: this.sender(),
        quotedChat: chat ? chat.id : undefined,
      };
    }

    /** Makes the media downloadable (WhatsApp resolves its media URL first). */
    downloadMedia() {
      if (this.mediaData && this.mediaData.mediaStage !== 'REUPLOADING') this.mediaData.set({ mediaStage: 'RESOLVED' });
      return Promise.resolve();
    }
  }

  class ChatModel extends Model {}
  class ContactModel extends Model {}

  class MsgCollection extends Collection {
    getMessagesById(ids) {
      return Promise.resolve({ messages: (ids || []).map((id) => this.get(id)).filter(Boolean) });
    }
  }

  class ChatCollection extends Collection {
    find(id) {
      return Promise.resolve(chatFor(toWid(id)));
    }
  }

  class SocketModel extends Model {
    takeover() {
      record('takeover');
      this.set({ state: 'CONNECTED' });
      return Promise.resolve();
    }

    reconnect() {
      record('reconnect');
      this.set({ state: 'OPENING' });
      setTimeout(() => this.set({ state: state.me ? 'CONNECTED' : 'UNPAIRED' }), PAIRING_MS);
      return Promise.resolve();
    }

    logout() {
      record('logout');
      logout('bridge');
      return Promise.resolve();
    }
  }

  class CmdEmitter extends Emitter {
    constructor() {
      super();
      this.isMainLoaded = false;
    }

    refreshQR() {
      record('refreshQR');
      refreshRotation();
    }
  }

  class StreamModel extends Model {
    markAvailable() {
      record('markAvailable');
      this.set({ available: true });
    }

    markUnavailable() {
      record('markUnavailable');
      this.set({ available: false });
    }
  }

  class ServerStatusCodeError extends Error {
    constructor(statusCode) {
      super(`server status ${statusCode}`);
      this.name = 'ServerStatusCodeError';
      this.statusCode = statusCode;
    }
  }

  // ================================================================ state

  const state = {
    settings: readSettings(location.search),
    me: undefined,
    lid: undefined,
    pairingNumber: null,
    refIndex: 0,
    refsThisRound: 0,
    qrTimer: null,
    syncProgress: 0,
    frozen: false,
    parked: [],
    registered: null, // null: every number is registered
    pics: new Map(),
    broken: new Set(),
    renamed: [],
    media: new Map(), // directPath -> {bytes, expired}
    mediaObjects: new Map(), // filehash -> MediaObject
    reactions: new Map(),
    sent: [],
    calls: [],
    errors: [],
  };

  const socket = new SocketModel({ state: 'UNLAUNCHED', hasSynced: false });
  const conn = new Model({ ref: null, pushname: null, platform: null });
  const cmd = new CmdEmitter();
  const stream = new StreamModel({ mode: 'INIT', available: false });
  const Msg = new MsgCollection(MsgModel);
  const Chat = new ChatCollection(ChatModel);
  const Contact = new Collection(ContactModel);
  const ProfilePicThumb = new Collection(Model);
  const Presence = new Collection(Model);

  function record(name, args) {
    state.calls.push({ name, args: args === undefined ? null : args, t: Date.now() });
  }

  function never() {
    return new Promise(() => {});
  }

  /**
   * A call that needs WhatsApp's servers: settles after a short delay, and not while frozen
   * (it is parked until `unfreeze()`).
   */
  function serverCall(work) {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        if (state.frozen) {
          state.parked.push(attempt);
          return;
        }
        try {
          resolve(work());
        } catch (err) {
          reject(err);
        }
      };
      setTimeout(attempt, SERVER_DELAY_MS);
    });
  }

  function nowSeconds() {
    return Math.floor(Date.now() / 1000);
  }

  function chatFor(wid, attrs) {
    const existing = Chat.get(wid);
    if (existing) return existing;
    const defaults = {
      id: wid,
      name: wid.isGroup() ? `Group ${wid.user}` : null,
      unreadCount: 0,
      t: nowSeconds(),
      isGroup: wid.isGroup(),
    };
    return Chat.add(new ChatModel(Object.assign(defaults, attrs || {})));
  }

  function contactFor(wid, pushname) {
    const existing = Contact.get(wid);
    if (existing) {
      if (pushname && existing.pushname !== pushname) existing.set({ pushname });
      return existing;
    }
    return Contact.add(new ContactModel({ id: wid, pushname: pushname || null }));
  }

  // ================================================================ modules

  const reactionTableMode = {
    bulkUpsert(rows) {
      for (const row of rows || []) state.reactions.set(idKey(row.id), row);
      return Promise.resolve();
    },
  };

  class OpaqueData {
    constructor(blob, mimetype) {
      this._blob = blob;
      this.type = mimetype || blob.type;
      this.size = blob.size;
      this._url = null;
    }

    static createFromData(data, mimetype) {
      const blob = data instanceof Blob ? data : new Blob([data], { type: mimetype });
      return Promise.resolve(new OpaqueData(blob, mimetype));
    }

    url() {
      if (!this._url) this._url = `blob:fake-opaque/${fakeHash(new TextEncoder().encode(String(Math.random())))}`;
      return this._url;
    }

    autorelease() {}

    arrayBuffer() {
      return this._blob.arrayBuffer();
    }
  }

  class MediaObject {
    constructor(filehash) {
      this.filehash = filehash;
      this.size = 0;
      this.blob = null;
      this.contentInfo = {};
    }

    consolidate(data) {
      this.blob = data.mediaBlob || this.blob;
      this.size = data.size || this.size;
    }
  }

  function preparedType(mimetype, options) {
    if (options.asDocument) return 'document';
    const major = String(mimetype).split('/')[0];
    if (major === 'audio') return options.isPtt ? 'ptt' : 'audio';
    if (major === 'image') return options.asSticker ? 'sticker' : 'image';
    if (major === 'video') return 'video';
    return 'document';
  }

  function prepRawMedia(opaque, options) {
    const prepared = opaque.arrayBuffer().then((buffer) => {
      const bytes = new Uint8Array(buffer);
      return new Model({
        type: preparedType(opaque.type, options || {}),
        mimetype: opaque.type,
        filehash: fakeHash(bytes),
        size: bytes.length,
        mediaBlob: opaque,
        isGif: false,
      });
    });
    return { waitForPrep: () => prepared };
  }

  function getOrCreateMediaObject(filehash) {
    if (!state.mediaObjects.has(filehash)) state.mediaObjects.set(filehash, new MediaObject(filehash));
    return state.mediaObjects.get(filehash);
  }

  function uploadMedia(params) {
    const mediaObject = params && params.mediaObject;
    return serverCall(async () => {
      if (!mediaObject || !mediaObject.blob) throw new Error('nothing to upload: the media object was not consolidated');
      const bytes = new Uint8Array(await mediaObject.blob.arrayBuffer());
      const directPath = `/media/up-${mediaObject.filehash}`;
      state.media.set(directPath, { bytes, expired: false });
      return {
        mediaEntry: {
          mmsUrl: `${location.origin}${directPath}`,
          deprecatedMms3Url: `${location.origin}${directPath}?mms3=1`,
          directPath,
          mediaKey: base64FromBytes(byteRange(0xa0, 32)),
          mediaKeyTimestamp: nowSeconds(),
          encFilehash: `enc-${mediaObject.filehash}`,
          uploadHash: `up-${mediaObject.filehash}`,
          sidecar: undefined,
          firstFrameSidecar: undefined,
        },
      };
    });
  }

  function downloadAndMaybeDecrypt(options) {
    const directPath = options && options.directPath;
    return serverCall(() => {
      const entry = state.media.get(directPath);
      if (!entry || entry.expired) throw Object.assign(new Error('media not found (404)'), { status: 404 });
      return entry.bytes.slice().buffer;
    });
  }

  function addAndSendMsgToChat(chat, message) {
    record('addAndSendMsgToChat', { chat: idKey(chat.id), id: idKey(message.id) });
    const attrs = Object.assign({}, message, { ack: 0 });
    if (attrs.directPath) attrs.mediaData = new Model({ mediaStage: 'RESOLVED' });
    const model = Msg.add(new MsgModel(attrs));
    chat.set({ t: message.t });
    state.sent.push(sentRecord(model));
    const result = serverCall(() => {
      model.set({ ack: Math.max(model.ack, 1) });
      scheduleAutoAck(model);
      return { messageSendResult: 'OK' };
    });
    return [Promise.resolve([model]), result];
  }

  function scheduleAutoAck(model) {
    if (!state.settings.autoAck) return;
    for (const [ack, ms] of AUTO_ACK_STEPS) {
      setTimeout(() => {
        if (!state.frozen && model.ack < ack) model.set({ ack });
      }, scaled(ms));
    }
  }

  function quotedIdOf(model) {
    if (!model.quotedStanzaID) return null;
    const match = Msg.getModelsArray().find((m) => m.id.id === model.quotedStanzaID);
    return match ? match.id._serialized : null;
  }

  function sentRecord(model) {
    const media = model.directPath ? state.media.get(model.directPath) : null;
    return {
      id: model.id._serialized,
      to: idKey(model.to),
      body: model.body == null ? null : model.body,
      type: model.type,
      caption: model.caption == null ? null : model.caption,
      mimetype: model.mimetype || null,
      filename: model.filename || null,
      size: model.size == null ? null : model.size,
      base64: media ? base64FromBytes(media.bytes) : null,
      quotedId: quotedIdOf(model),
    };
  }

  /** Since 2.3000.1031992593 the argument is `{chat, threadId}`; strictSignatures replays the break. */
  function sendSeen(options) {
    const positional = !options || options instanceof ChatModel || !('chat' in Object(options));
    if (positional && state.settings.strictSignatures) {
      throw new TypeError("Cannot read properties of undefined (reading 'markedUnread')");
    }
    const chat = positional ? options : options.chat;
    record('sendSeen', { signature: positional ? 'positional' : 'object', chat: idKey(chat && chat.id) });
    if (chat && typeof chat.set === 'function') chat.set({ unreadCount: 0 });
    return Promise.resolve();
  }

  function requestProfilePicFromServer(wid) {
    const key = toWid(wid)._serialized;
    record('requestProfilePicFromServer', { wid: key });
    return serverCall(() => {
      const url = state.pics.has(key) ? state.pics.get(key) : `${location.origin}/media/pp-${toWid(key).user}.jpg`;
      if (url === null) throw new ServerStatusCodeError(404);
      return { eurl: url, tag: '1', id: toWid(key) };
    });
  }

  function isRegistered(wid) {
    return state.registered === null || state.registered.has(wid._serialized);
  }

  function queryWidExists(wid) {
    const target = toWid(wid);
    record('queryWidExists', { wid: target._serialized });
    return serverCall(() => (isRegistered(target) ? { wid: target, biz: false } : null));
  }

  const modules = {
    WAWebSocketModel: { Socket: socket },
    WAWebConnModel: { Conn: conn },
    WAWebCmd: { Cmd: cmd },
    WAWebStreamModel: { Stream: stream },
    WAWebOfflineHandler: {
      OfflineMessageHandler: {
        getOfflineDeliveryProgress() {
          return state.syncProgress;
        },
      },
    },
    WABase64: {
      encodeB64(data) {
        return base64FromBytes(data);
      },
      decodeB64(text) {
        return bytesFromBase64(text).buffer;
      },
    },
    WAWebSignalStoreApi: {
      waSignalStore: {
        getRegistrationInfo() {
          return Promise.resolve({ registrationId: 4242, identityKeyPair: { pubKey: IDENTITY_PUB.slice().buffer } });
        },
      },
    },
    WAWebUserPrefsInfoStore: {
      waNoiseInfo: {
        get() {
          return Promise.resolve({ staticKeyPair: { pubKey: NOISE_PUB.slice().buffer } });
        },
      },
    },
    WAWebAdvSignatureApi: {
      getADVSecretKey() {
        return Promise.resolve(ADV_SECRET);
      },
    },
    WAWebCompanionRegClientUtils: { DEVICE_PLATFORM },
    WAWebAltDeviceLinkingApi: {
      setPairingType(type) {
        record('setPairingType', { type });
      },
      initializeAltDeviceLinking() {
        record('initializeAltDeviceLinking');
        return Promise.resolve();
      },
      startAltLinkingFlow(digits, showNotification) {
        record('startAltLinkingFlow', { digits, showNotification });
        state.pairingNumber = String(digits).replace(/\D/g, '');
        return Promise.resolve(PAIRING_CODE);
      },
    },
    WAWebUserPrefsMeUser: {
      getMaybeMePnUser() {
        return state.me;
      },
      getMaybeMeLidUser() {
        return state.lid;
      },
    },
    WAWebWidFactory: {
      createWid(value) {
        return toWid(value);
      },
    },
    WAWebMsgKey: MsgKey,
    WAWebCollections: { Msg, Chat, Contact, ProfilePicThumb, Presence },
    WAWebFindChatAction: {
      findOrCreateLatestChat(wid) {
        const existed = Boolean(Chat.get(wid));
        return Promise.resolve({ chat: chatFor(toWid(wid)), created: !existed });
      },
    },
    WAWebGetEphemeralFieldsMsgActionsUtils: {
      getEphemeralFields(chat) {
        return {};
      },
    },
    WAWebMsgReply: {
      canReplyMsg(msg) {
        return Boolean(msg) && msg.type !== 'revoked';
      },
    },
    WAWebSendMsgChatAction: { addAndSendMsgToChat },
    WAWebUpdateUnreadChatAction: { sendSeen },
    WAWebContactProfilePicThumbBridge: { requestProfilePicFromServer },
    WAWebQueryExistsJob: { queryWidExists },
    WAWebDownloadManager: { downloadManager: { downloadAndMaybeDecrypt } },
    WAWebMediaOpaqueData: OpaqueData,
    WAWebPrepRawMedia: { prepRawMedia },
    WAWebMediaStorage: { getOrCreateMediaObject },
    WAWebMmsMediaTypes: {
      msgToMediaType(info) {
        return info && info.type ? String(info.type) : 'document';
      },
    },
    WAWebMediaMmsV4Upload: { uploadMedia },
    WAWebAddonReactionTableMode: { reactionTableMode },
    WAWebChatStateBridge: {
      sendChatStateComposing(wid) {
        record('sendChatStateComposing', { wid: idKey(wid) });
      },
      sendChatStateRecording(wid) {
        record('sendChatStateRecording', { wid: idKey(wid) });
      },
      sendChatStatePaused(wid) {
        record('sendChatStatePaused', { wid: idKey(wid) });
      },
    },
    WAWebPresenceChatAction: {
      sendPresenceAvailable() {
        record('sendPresenceAvailable');
      },
      sendPresenceUnavailable() {
        record('sendPresenceUnavailable');
      },
    },
  };

  function fakeRequire(name) {
    if (name === '__debug') return debugModule;
    if (state.broken.has(name) || !Object.prototype.hasOwnProperty.call(modules, name)) {
      throw new Error(`Requiring unknown module "${name}"`);
    }
    return modules[name];
  }

  const debugModule = {
    get modulesMap() {
      const map = {};
      for (const name of Object.keys(modules)) if (!state.broken.has(name)) map[name] = { exports: modules[name] };
      return map;
    },
  };

  window.require = fakeRequire;
  window.importNamespace = fakeRequire;
  window.__d = function __d() {};

  // ================================================================ login state machine

  function loadSession() {
    try {
      const saved = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
      return saved && saved.me ? saved : null;
    } catch (err) {
      return null;
    }
  }

  function boot() {
    render();
    setTimeout(() => {
      window.Debug = Object.assign(window.Debug || {}, { VERSION });
      socket.set({ state: 'OPENING' });
      render();
      setTimeout(afterOpening, OPENING_HOLD_MS);
    }, state.settings.bootDelayMs);
  }

  function afterOpening() {
    const saved = loadSession();
    if (saved) {
      applyLogin(saved);
      connectAndSync();
    } else {
      startRotation();
    }
  }

  function qrPayload(ref) {
    return [ref, base64FromBytes(NOISE_PUB), base64FromBytes(IDENTITY_PUB), ADV_SECRET, DEVICE_PLATFORM].join(',');
  }

  function clearQrTimer() {
    clearTimeout(state.qrTimer);
    state.qrTimer = null;
  }

  function startRotation() {
    clearQrTimer();
    state.refsThisRound = 0;
    socket.set({ state: 'UNPAIRED' });
    showNextRef();
  }

  /** Refs last 60 s, then 20 s each (scaled); after `qrRefs` of them the state goes idle. */
  function showNextRef() {
    clearQrTimer();
    if (state.refsThisRound >= state.settings.qrRefs) {
      goIdle();
      return;
    }
    state.refIndex += 1;
    state.refsThisRound += 1;
    conn.set({ ref: `FAKE-REF-${state.refIndex}` });
    render();
    const lifetime = state.refsThisRound === 1 ? FIRST_REF_MS : NEXT_REF_MS;
    state.qrTimer = setTimeout(showNextRef, scaled(lifetime));
  }

  function goIdle() {
    clearQrTimer();
    socket.set({ state: 'UNPAIRED_IDLE' });
    render();
  }

  function refreshRotation() {
    if (!['UNPAIRED', 'UNPAIRED_IDLE'].includes(socket.state)) return;
    startRotation();
  }

  function normaliseUser(value, server) {
    if (value == null || value === '') return undefined;
    const text = String(value);
    return toWid(text.includes('@') ? text : `${text.replace(/\D/g, '')}@${server}`);
  }

  function applyLogin(session) {
    state.me = normaliseUser(session.me, 'c.us');
    state.lid = normaliseUser(session.lid, 'lid');
    conn.set({ pushname: session.pushname || 'Fake User', platform: 'android' });
    contactFor(state.me, session.pushname);
  }

  function connectAndSync() {
    socket.set({ state: 'CONNECTED' });
    render();
    const steps = [0, 25, 50, 75, 100];
    steps.forEach((percent, i) => {
      setTimeout(() => {
        state.syncProgress = percent;
        cmd.trigger('offline_progress_update_from_bridge');
        if (percent === 100) finishSync();
      }, scaled(SYNC_STEP_MS) * (i + 1));
    });
  }

  function finishSync() {
    socket.set({ hasSynced: true });
    stream.set({ mode: 'MAIN' });
    cmd.isMainLoaded = true;
    cmd.trigger('main_loaded');
    render();
  }

  function urlWith(extra) {
    const query = extra ? `${extra}&${settingsQuery()}` : settingsQuery();
    return `${location.pathname}?${query}`;
  }

  function loginAs(session) {
    if (socket.state === 'CONNECTED') throw new Error('already logged in');
    if (!session || !session.me) throw new Error('scan needs {me}');
    clearQrTimer();
    socket.set({ state: 'PAIRING' });
    render();
    setTimeout(() => {
      const saved = {
        me: normaliseUser(session.me, 'c.us')._serialized,
        lid: session.lid ? normaliseUser(session.lid, 'lid')._serialized : null,
        pushname: session.pushname || 'Fake User',
      };
      localStorage.setItem(SESSION_KEY, JSON.stringify(saved));
      applyLogin(saved);
      conn.set({ ref: null });
      if (state.settings.reloadAfterLogin) {
        socket.set({ state: 'CONNECTED' });
        setTimeout(() => location.replace(urlWith()), PAIRING_MS);
      } else {
        connectAndSync();
      }
    }, PAIRING_MS);
  }

  function logout(reason) {
    const why = reason || 'user';
    cmd.trigger('logout', why);
    cmd.trigger('logout_from_bridge', why);
    localStorage.removeItem(SESSION_KEY);
    clearQrTimer();
    state.me = undefined;
    state.lid = undefined;
    setTimeout(() => location.assign(urlWith('post_logout=1')), LOGOUT_NAVIGATION_MS);
  }

  // ================================================================ inbound messages

  function requireLoggedIn() {
    if (!state.me) throw new Error('the fake is not logged in (scan first)');
  }

  function mediaTypeFor(mimetype) {
    const major = String(mimetype).split('/')[0];
    return ['image', 'video', 'audio'].includes(major) ? major : 'document';
  }

  function vcardName(vcard) {
    const match = /^FN[^:]*:(.*)$/m.exec(vcard);
    return match ? match[1].trim() : '';
  }

  /** The type-specific attributes of an inbound message. */
  function contentOf(input, key) {
    if (input.media) {
      const media = input.media;
      const bytes = bytesFromBase64(media.base64 || '');
      const directPath = `/media/${key.id}`;
      state.media.set(directPath, { bytes, expired: Boolean(media.expired) });
      return {
        type: input.type && input.type !== 'chat' ? input.type : mediaTypeFor(media.mimetype),
        body: '',
        caption: input.body || undefined,
        directPath,
        mimetype: media.mimetype,
        filename: media.filename || undefined,
        size: bytes.length,
        filehash: fakeHash(bytes),
        encFilehash: `enc-${fakeHash(bytes)}`,
        mediaKey: base64FromBytes(byteRange(0xb0, 32)),
        mediaKeyTimestamp: nowSeconds(),
        mediaData: new Model({ mediaStage: media.stage || 'INIT' }),
      };
    }
    if (input.location) {
      const { lat, lng, loc } = input.location;
      return { type: 'location', body: '', lat, lng, loc: loc || undefined };
    }
    if (Array.isArray(input.vcard)) {
      return { type: 'multi_vcard', body: '', vcardList: input.vcard.map((vcard) => ({ displayName: vcardName(vcard), vcard })) };
    }
    if (typeof input.vcard === 'string') {
      return { type: 'vcard', body: input.vcard, vcardFormattedName: vcardName(input.vcard) };
    }
    return { type: input.type || 'chat', body: input.body == null ? '' : String(input.body) };
  }

  function quoteOf(quotedId) {
    if (!quotedId) return {};
    const quoted = Msg.get(quotedId);
    if (quoted) return quoted.msgContextInfo();
    const key = MsgKey.fromString(quotedId);
    return {
      quotedStanzaID: key.id,
      quotedRemoteJid: key.remote,
      quotedParticipant: key.participant || (key.fromMe ? state.me : key.remote),
    };
  }

  function receive(input) {
    const o = input || {};
    requireLoggedIn();
    const fromMe = Boolean(o.fromMe);
    const chatWid = toWid(fromMe ? o.to : o.from);
    const multiParty = chatWid.isGroup() || chatWid.isStatus();
    const author = o.author ? toWid(o.author) : undefined;
    if (multiParty && !fromMe && !author) throw new Error('group and status messages need an author');
    const key = new MsgKey({
      fromMe,
      remote: chatWid,
      id: o.id || nextId('in', 'FAKEIN'),
      participant: !fromMe && multiParty ? author : undefined,
    });
    if (Msg.get(key)) throw new Error(`message ${key._serialized} exists already`);
    if (state.frozen) return key._serialized; // zombie: nothing arrives

    const sender = fromMe ? state.me : author || chatWid;
    if (!fromMe) contactFor(sender, o.notifyName);
    const chat = chatFor(chatWid);
    const t = o.t == null ? nowSeconds() : o.t;
    const envelope = {
      id: key,
      from: fromMe ? state.me : chatWid,
      to: fromMe ? chatWid : state.me,
      author: multiParty ? (fromMe ? state.me : author) : undefined,
      t,
      ack: fromMe ? 1 : 0,
      isNewMsg: true,
      notifyName: fromMe ? undefined : o.notifyName,
      broadcast: chatWid.isStatus() || undefined,
      isStatusV3: Boolean(o.isStatus) || chatWid.isStatus(),
      isForwarded: Boolean(o.isForwarded),
      mentionedJidList: (o.mentioned || []).map(toWid),
    };
    const content = Object.assign(contentOf(o, key), quoteOf(o.quotedId));
    if (o.ciphertextFirst) {
      const model = Msg.add(new MsgModel(Object.assign(envelope, { type: 'ciphertext', body: '' })));
      setTimeout(() => model.set(content), DECRYPT_DELAY_MS);
    } else {
      Msg.add(new MsgModel(Object.assign(envelope, content)));
    }
    chat.set({ t, unreadCount: fromMe ? 0 : chat.unreadCount + 1 });
    return key._serialized;
  }

  function existingMessage(id) {
    const msg = Msg.get(id);
    if (!msg) throw new Error(`no message ${id}`);
    return msg;
  }

  function react(id, emoji, from) {
    const parent = existingMessage(id);
    const sender = from ? toWid(from) : state.me;
    const remote = parent.id.remote;
    const byMe = sender.equals(state.me);
    const key = new MsgKey({
      fromMe: byMe,
      remote,
      id: nextId('reaction', 'FAKERCT'),
      participant: !byMe && (remote.isGroup() || remote.isStatus()) ? sender : undefined,
    });
    const row = {
      id: key._serialized,
      msgKey: key,
      reactionParentKey: parent.id,
      reactionText: emoji || '',
      reactionTimestamp: Date.now(),
      author: sender,
      orphan: 0,
      read: false,
    };
    // Looked up at call time, as WhatsApp's own callers do, so wrappers see it.
    modules.WAWebAddonReactionTableMode.reactionTableMode.bulkUpsert([row]);
    return key._serialized;
  }

  // ================================================================ DOM (cosmetic)

  function root() {
    let element = document.getElementById('fake-wa-app');
    if (!element) {
      element = document.createElement('div');
      element.id = 'fake-wa-app';
      (document.body || document.documentElement).appendChild(element);
    }
    return element;
  }

  function render() {
    const app = root();
    app.textContent = '';
    const current = socket.state;
    if (current === 'UNPAIRED' || current === 'UNPAIRED_IDLE') {
      const qr = document.createElement('div');
      qr.setAttribute('data-ref', conn.ref ? qrPayload(conn.ref) : '');
      qr.appendChild(document.createElement('canvas'));
      if (current === 'UNPAIRED_IDLE') {
        const span = document.createElement('span');
        const button = document.createElement('button');
        button.textContent = 'Click to reload QR code';
        button.addEventListener('click', () => cmd.refreshQR());
        span.appendChild(button);
        qr.appendChild(span);
      }
      app.appendChild(qr);
    } else if (current === 'CONNECTED' && socket.hasSynced) {
      const pane = document.createElement('div');
      pane.id = 'pane-side';
      const search = document.createElement('span');
      search.setAttribute('data-icon', 'search');
      app.appendChild(pane);
      app.appendChild(search);
    } else {
      const progress = document.createElement('progress');
      progress.max = 100;
      progress.value = state.syncProgress;
      app.appendChild(progress);
    }
  }

  // ================================================================ control surface

  function freeze() {
    state.frozen = true;
  }

  function unfreeze() {
    state.frozen = false;
    for (const attempt of state.parked.splice(0)) setTimeout(attempt, SERVER_DELAY_MS);
  }

  function renameExport(moduleName, from, to) {
    const exports = modules[moduleName];
    if (!exports || !(from in exports)) throw new Error(`no export ${moduleName}.${from}`);
    exports[to] = exports[from];
    delete exports[from];
    state.renamed.push([moduleName, from, to]);
  }

  function restoreModules() {
    state.broken.clear();
    for (const [moduleName, from, to] of state.renamed.splice(0).reverse()) {
      const exports = modules[moduleName];
      exports[from] = exports[to];
      delete exports[to];
    }
  }

  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }

  window.__fake = Object.freeze({
    version: VERSION,
    config(changes) {
      Object.assign(state.settings, changes || {});
      return Object.assign({}, state.settings);
    },
    settings: () => Object.assign({}, state.settings),
    qrPayload,
    scan: loginAs,
    enterCode(code) {
      if (code !== PAIRING_CODE || !state.pairingNumber) throw new Error('wrong pairing code');
      loginAs({ me: state.pairingNumber });
    },
    rotateQr() {
      if (socket.state === 'UNPAIRED') showNextRef();
    },
    expireQr: goIdle,
    receive,
    ack(id, n) {
      existingMessage(id).set({ ack: n });
    },
    ackAll(n) {
      for (const msg of Msg.filter((m) => m.id.fromMe && m.ack < n)) msg.set({ ack: n });
    },
    revoke(id) {
      const msg = existingMessage(id);
      msg.set({ type: 'revoked', body: '', subtype: 'sender_revoke', protocolMessageKey: msg.id });
    },
    deleteForMe(id) {
      Msg.remove(existingMessage(id));
    },
    edit(id, body) {
      const msg = existingMessage(id);
      const field = msg.directPath ? 'caption' : 'body';
      const editKey = new MsgKey({ fromMe: msg.id.fromMe, remote: msg.id.remote, id: nextId('edit', 'FAKEEDIT') });
      msg.set({ [field]: body, latestEditMsgKey: editKey, latestEditSenderTimestampMs: Date.now() });
    },
    react,
    typing(chatId, chatState) {
      const wid = toWid(chatId);
      record('typing', { chatId: wid._serialized, state: chatState });
      const presence = Presence.get(wid) || Presence.add(new Model({ id: wid, chatstate: new Model({ type: null }) }));
      presence.chatstate.set({ type: chatState });
    },
    setState(next) {
      socket.set({ state: next });
      render();
    },
    conflict() {
      socket.set({ state: 'CONFLICT' });
    },
    logout,
    freeze,
    unfreeze,
    breakModule(name) {
      state.broken.add(name);
    },
    renameExport,
    setRegistered(list) {
      state.registered = list == null ? null : new Set(list.map((n) => toWid(n)._serialized));
    },
    setProfilePic(user, url) {
      state.pics.set(toWid(user)._serialized, url === undefined ? null : url);
    },
    addChat(attrs) {
      const wid = toWid(attrs && attrs.id);
      const chat = chatFor(wid, Object.assign({}, attrs, { id: wid }));
      chat.set(Object.assign({}, attrs, { id: wid }));
      return wid._serialized;
    },
    sent: () => clone(state.sent),
    calls: () => clone(state.calls),
    errors: () => clone(state.errors),
    /** Clears records and fixtures (not the login or the messages) and repairs modules. */
    reset() {
      state.sent.length = 0;
      state.calls.length = 0;
      state.errors.length = 0;
      state.registered = null;
      state.pics.clear();
      restoreModules();
      unfreeze();
    },
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
  else boot();
})();
