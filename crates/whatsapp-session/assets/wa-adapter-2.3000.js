/*
 * wa-adapter-2.3000.js: everything that knows WhatsApp Web's internals, for WhatsApp Web 2.3000.x
 * (Meta's module loader: `window.require('<Name>')`). Module names, export paths, event names and
 * signatures live here and nowhere else; bridge-core.js only sees the adapter interface of
 * docs/whatsapp-bridge-protocol.md.
 *
 * Registers a factory in `window.__waBridgeAdapters`; the core calls it once WhatsApp is
 * injectable. Idempotent and inert in iframes.
 */
(function () {
  'use strict';

  const ADAPTER_ID = 'wa-adapter-2.3000';
  const TESTED_RANGE = '>=2.3000.0 <2.3001.0';

  if (window.top !== window) return;
  const registry = Array.isArray(window.__waBridgeAdapters) ? window.__waBridgeAdapters : [];
  window.__waBridgeAdapters = registry;
  if (registry.some((factory) => factory && factory.id === ADAPTER_ID)) return;

  // ================================================================ module map
  //
  // A part is one thing the adapter uses: candidate [module, exportPath] pairs, tried in order
  // (an empty path is the module's export itself). `arity` marks a function; the contract test
  // checks that the fake's function takes at least that many parameters. The page only checks
  // that it is a function: `.length` of WhatsApp's compiled code is not a reliable signature.

  const PARTS = {
    socket: { candidates: [['WAWebSocketModel', ['Socket']]] },
    conn: { candidates: [['WAWebConnModel', ['Conn']]] },
    cmd: { candidates: [['WAWebCmd', ['Cmd']]] },
    refreshQR: { candidates: [['WAWebCmd', ['Cmd', 'refreshQR']]], arity: 0 },
    stream: { candidates: [['WAWebStreamModel', ['Stream']]] },
    offlineProgress: {
      candidates: [['WAWebOfflineHandler', ['OfflineMessageHandler', 'getOfflineDeliveryProgress']]],
      arity: 0,
    },
    encodeB64: { candidates: [['WABase64', ['encodeB64']]], arity: 1 },
    noiseInfo: { candidates: [['WAWebUserPrefsInfoStore', ['waNoiseInfo']]] },
    signalStore: { candidates: [['WAWebSignalStoreApi', ['waSignalStore']]] },
    advSecret: { candidates: [['WAWebAdvSignatureApi', ['getADVSecretKey']]], arity: 0 },
    devicePlatform: { candidates: [['WAWebCompanionRegClientUtils', ['DEVICE_PLATFORM']]] },
    mePn: { candidates: [['WAWebUserPrefsMeUser', ['getMaybeMePnUser']]], arity: 0 },
    meLid: { candidates: [['WAWebUserPrefsMeUser', ['getMaybeMeLidUser']]], arity: 0 },
    createWid: { candidates: [['WAWebWidFactory', ['createWid']]], arity: 1 },
    msgKey: { candidates: [['WAWebMsgKey', []]], arity: 1 },
    newMsgId: { candidates: [['WAWebMsgKey', ['newId']]], arity: 0 },
    msgs: { candidates: [['WAWebCollections', ['Msg']]] },
    chats: { candidates: [['WAWebCollections', ['Chat']]] },
    contacts: { candidates: [['WAWebCollections', ['Contact']]] },
    findChat: { candidates: [['WAWebFindChatAction', ['findOrCreateLatestChat']]], arity: 1 },
    ephemeralFields: {
      candidates: [['WAWebGetEphemeralFieldsMsgActionsUtils', ['getEphemeralFields']]],
      arity: 1,
    },
    canReply: { candidates: [['WAWebMsgReply', ['canReplyMsg']]], arity: 1 },
    addAndSend: { candidates: [['WAWebSendMsgChatAction', ['addAndSendMsgToChat']]], arity: 2 },
    sendSeen: { candidates: [['WAWebUpdateUnreadChatAction', ['sendSeen']]], arity: 1 },
    profilePicFromServer: {
      candidates: [['WAWebContactProfilePicThumbBridge', ['requestProfilePicFromServer']]],
      arity: 1,
    },
    queryWidExists: { candidates: [['WAWebQueryExistsJob', ['queryWidExists']]], arity: 1 },
    download: {
      candidates: [['WAWebDownloadManager', ['downloadManager', 'downloadAndMaybeDecrypt']]],
      arity: 1,
    },
    opaqueData: { candidates: [['WAWebMediaOpaqueData', []]] },
    createOpaque: { candidates: [['WAWebMediaOpaqueData', ['createFromData']]], arity: 2 },
    prepRawMedia: { candidates: [['WAWebPrepRawMedia', ['prepRawMedia']]], arity: 2 },
    mediaObject: { candidates: [['WAWebMediaStorage', ['getOrCreateMediaObject']]], arity: 1 },
    mediaType: { candidates: [['WAWebMmsMediaTypes', ['msgToMediaType']]], arity: 1 },
    uploadMedia: { candidates: [['WAWebMediaMmsV4Upload', ['uploadMedia']]], arity: 1 },
    reactionUpsert: {
      candidates: [['WAWebAddonReactionTableMode', ['reactionTableMode', 'bulkUpsert']]],
      arity: 1,
    },
  };

  // Capability -> the parts it needs; a leading '?' marks a part it can do without.
  const SEND_PARTS = [
    'mePn', '?meLid', 'createWid', 'msgKey', 'newMsgId', 'msgs', 'findChat',
    'ephemeralFields', 'canReply', 'addAndSend',
  ];
  const CAPABILITIES = {
    socketState: ['socket', 'cmd', '?offlineProgress'],
    qr: ['socket', 'conn', 'encodeB64', 'noiseInfo', 'signalStore', 'advSecret', 'devicePlatform', '?refreshQR'],
    me: ['mePn', '?meLid', 'conn'],
    onNewMessage: ['msgs', '?chats', '?contacts'],
    onAck: ['msgs'],
    onEdit: ['msgs'],
    onRevoke: ['msgs'],
    onReaction: ['reactionUpsert'],
    sendText: SEND_PARTS,
    sendMedia: SEND_PARTS.concat([
      'opaqueData', 'createOpaque', 'prepRawMedia', 'mediaObject', 'mediaType', 'uploadMedia',
    ]),
    markRead: ['createWid', 'chats', 'stream', 'sendSeen'],
    profilePic: ['createWid', 'profilePicFromServer'],
    queryExists: ['createWid', 'queryWidExists'],
    downloadMedia: ['msgs', 'download'],
  };

  const PROBES = Object.freeze(buildProbes());

  function buildProbes() {
    const probes = [];
    for (const [capability, entries] of Object.entries(CAPABILITIES)) {
      for (const entry of entries) {
        const part = PARTS[partName(entry)];
        for (const [module, path] of part.candidates) {
          const probe = { capability, module, path: path.slice() };
          if (part.arity !== undefined) probe.arity = part.arity;
          probes.push(Object.freeze(probe));
        }
      }
    }
    return probes;
  }

  function partName(entry) {
    return entry.startsWith('?') ? entry.slice(1) : entry;
  }

  // ================================================================ WhatsApp vocabulary

  const BOOTING_STATES = new Set(['OPENING', 'UNLAUNCHED', 'PAIRING']);
  const UNPAIRED_STATES = new Set(['UNPAIRED', 'UNPAIRED_IDLE']);
  const MEDIA_TYPES_WITHOUT_BODY = new Set(['location']);
  const CHAT_ID = /^[^@\s]+@(c\.us|g\.us|lid)$/;
  const WAVEFORM_BARS = 64;
  const WAVEFORM_TIMEOUT_MS = 3000;
  const ME_WAIT_TRIES = 25;
  const ATTACH_RETRY_MS = 1000;
  const RECENT_LIMIT = 2000;
  const HOOK_MARK = '__waBridgeOriginal';

  // ================================================================ the adapter

  function createAdapter(core) {
    let lastSocketState = null;
    let readyState = 'no'; // 'no' | 'pending' | 'done'
    let lastQrRef = null;
    let qrSeq = 0;
    let qrChain = Promise.resolve();
    let lastProgress = null;
    const attached = new Set();
    const loggedMissing = new Set();
    const ownSent = new Set(); // ids this bridge sent, in this page context
    const emittedIds = new Set(); // ids already emitted as `message`
    const decrypting = new Set(); // ids whose ciphertext is being resolved

    // ------------------------------------------------------------ module access

    function requireModule(name) {
      try {
        return window.require(name);
      } catch (err) {
        return undefined; // Meta's loader throws for unknown modules
      }
    }

    function lookup(moduleName, path) {
      let owner = null;
      let value = requireModule(moduleName);
      for (const key of path) {
        if (value == null) return null;
        owner = value;
        try {
          value = value[key];
        } catch (err) {
          return null;
        }
      }
      return value == null ? null : { owner, key: path[path.length - 1], value };
    }

    /** Never caches: modules register progressively and may be replaced. */
    function resolvePart(name) {
      const part = PARTS[name];
      for (const [moduleName, path] of part.candidates) {
        const hit = lookup(moduleName, path);
        if (hit && (part.arity === undefined || typeof hit.value === 'function')) return hit;
      }
      return null;
    }

    /** The part's value; functions found on an object are bound to it. */
    function usable(hit) {
      return typeof hit.value === 'function' && hit.owner ? hit.value.bind(hit.owner) : hit.value;
    }

    function partValue(name) {
      const hit = resolvePart(name);
      return hit ? usable(hit) : null;
    }

    function describePart(name) {
      return PARTS[name].candidates.map(([m, path]) => [m].concat(path).join('.')).join(' | ');
    }

    /** `{kit, missing}`: the capability's parts by name, and the required ones not found. */
    function resolveCapability(capability) {
      const kit = {};
      const missing = [];
      for (const entry of CAPABILITIES[capability]) {
        const name = partName(entry);
        const hit = resolvePart(name);
        if (hit) kit[name] = usable(hit);
        else if (!entry.startsWith('?')) missing.push(describePart(name));
      }
      return { kit, missing };
    }

    function tryKit(capability) {
      const found = resolveCapability(capability);
      return found.missing.length === 0 ? found.kit : null;
    }

    /** The capability's parts, or a `Degraded` error (reported as `degraded`). */
    function need(capability) {
      const found = resolveCapability(capability);
      if (found.missing.length === 0) return found.kit;
      core.reportMissing([capability]);
      throw core.error('Degraded', `${capability} is unavailable: ${found.missing.join(', ')} not found`);
    }

    function probe() {
      const ok = [];
      const missing = [];
      for (const capability of Object.keys(CAPABILITIES)) {
        (resolveCapability(capability).missing.length === 0 ? ok : missing).push(capability);
      }
      return { ok, missing };
    }

    // ------------------------------------------------------------ small helpers

    function widString(wid) {
      if (wid == null || wid === '') return null;
      if (typeof wid === 'string') return wid;
      if (typeof wid._serialized === 'string') return wid._serialized;
      return String(wid);
    }

    function serializedId(key) {
      if (key == null) return null;
      if (typeof key === 'string') return key;
      return key._serialized || String(key);
    }

    function serverOf(id) {
      const text = widString(id) || '';
      return text.slice(text.indexOf('@') + 1);
    }

    function isMultiParty(remote) {
      return remote.endsWith('@g.us') || remote === 'status@broadcast';
    }

    function clampAck(ack) {
      const n = Number(ack);
      if (!Number.isFinite(n)) return 0;
      return Math.min(n, 4);
    }

    function messageOf(err) {
      if (err instanceof Error) return err.message || err.name;
      if (err && typeof err === 'object') return JSON.stringify(err);
      return String(err);
    }

    function remember(set, value) {
      set.add(value);
      if (set.size > RECENT_LIMIT) set.delete(set.values().next().value);
    }

    function isServerStatusError(err) {
      return Boolean(err) && (err.name === 'ServerStatusCodeError' || err.status === 404);
    }

    function requireString(value, name) {
      if (typeof value !== 'string' || value === '') throw core.error('BadArgs', `"${name}" must be a non-empty string`);
      return value;
    }

    function requireChatId(value, name) {
      const text = requireString(value, name);
      if (!CHAT_ID.test(text)) throw core.error('BadArgs', `"${name}" must be <digits>@c.us, <id>@g.us or <digits>@lid`);
      return text;
    }

    function requireReady() {
      if (readyState !== 'done') throw core.error('NotReady', 'WhatsApp Web is not logged in and synced yet');
    }

    function delay(ms) {
      return new Promise((resolve) => setTimeout(resolve, ms));
    }

    // ------------------------------------------------------------ own identity

    function ownIds() {
      const pn = partValue('mePn');
      const lid = partValue('meLid');
      const call = (fn) => {
        try {
          return fn ? widString(fn()) : null;
        } catch (err) {
          return null;
        }
      };
      return { pn: call(pn), lid: call(lid) };
    }

    function meString() {
      const ids = ownIds();
      return ids.pn || ids.lid;
    }

    function isMe(wid) {
      const ids = ownIds();
      return wid != null && (wid === ids.pn || wid === ids.lid);
    }

    function connInfo() {
      const conn = partValue('conn');
      if (!conn) return {};
      try {
        return typeof conn.serialize === 'function' ? conn.serialize() || {} : conn;
      } catch (err) {
        return {};
      }
    }

    // ------------------------------------------------------------ serialising messages

    function serializeKey(key) {
      const remote = widString(key.remote);
      const participant = widString(key.participant);
      const id = String(key.id);
      const fallback = `${Boolean(key.fromMe)}_${remote}_${id}${participant ? `_${participant}` : ''}`;
      return {
        fromMe: Boolean(key.fromMe),
        remote,
        id,
        participant: participant || null,
        _serialized: key._serialized || fallback,
      };
    }

    /**
     * The quoted message's id, as WhatsApp serialises it: `<fromMe>_<remote>_<stanza>`, plus
     * `_<participant>` for group / status messages written by others. When the quoted message is
     * in memory its own id wins.
     */
    function quotedMessageId(msg, remote) {
      const stanza = msg.quotedStanzaID;
      if (!stanza) return null;
      const quotedRemote = widString(msg.quotedRemoteJid) || remote;
      const participant = widString(msg.quotedParticipant);
      const fromMe = participant ? isMe(participant) : false;
      const base = `${fromMe}_${quotedRemote}_${stanza}`;
      const withParticipant = participant ? `${base}_${participant}` : base;
      const msgs = partValue('msgs');
      if (msgs) {
        for (const candidate of [withParticipant, base]) {
          const found = msgs.get(candidate);
          if (found && found.id) return serializedId(found.id);
        }
      }
      return isMultiParty(quotedRemote) && participant && !fromMe ? withParticipant : base;
    }

    function messageBody(msg, hasMedia) {
      if (hasMedia) return msg.caption || ''; // media bodies hold the thumbnail
      if (MEDIA_TYPES_WITHOUT_BODY.has(msg.type)) return '';
      return msg.body || msg.pollName || msg.eventName || '';
    }

    function vCardsOf(msg) {
      if (msg.type === 'vcard') return msg.body ? [msg.body] : [];
      if (msg.type === 'multi_vcard' && Array.isArray(msg.vcardList)) {
        return msg.vcardList.map((card) => card && card.vcard).filter(Boolean);
      }
      return [];
    }

    function locationOf(msg) {
      const lat = Number(msg.lat);
      const lng = Number(msg.lng);
      if (msg.type !== 'location' || !Number.isFinite(lat) || !Number.isFinite(lng)) return null;
      return { lat, lng, loc: msg.loc || null };
    }

    function nowSeconds() {
      return Math.floor(Date.now() / 1000);
    }

    function chatNameOf(remote) {
      const chats = partValue('chats');
      const chat = chats && chats.get(remote);
      if (!chat) return null;
      const metadata = chat.groupMetadata;
      return chat.name || chat.formattedTitle || (metadata && metadata.subject) || null;
    }

    function notifyNameOf(msg, sender) {
      if (msg.notifyName) return msg.notifyName;
      const contacts = partValue('contacts');
      const contact = contacts && sender && contacts.get(sender);
      return (contact && (contact.pushname || contact.notifyName)) || null;
    }

    function serializeMessage(msg) {
      const id = serializeKey(msg.id);
      const hasMedia = Boolean(msg.directPath);
      const isGroup = id.remote.endsWith('@g.us');
      const author = widString(msg.author);
      const quotedMsgId = quotedMessageId(msg, id.remote);
      const from = widString(msg.from);
      return {
        id,
        from,
        to: widString(msg.to),
        author: isMultiParty(id.remote) ? author || id.participant : null,
        body: messageBody(msg, hasMedia),
        type: msg.type || 'unknown',
        subtype: msg.subtype || null,
        timestamp: Number.isFinite(msg.t) ? msg.t : nowSeconds(), // always a number for the host
        ack: clampAck(msg.ack),
        hasMedia,
        mimetype: msg.mimetype || null,
        filename: msg.filename || null,
        size: typeof msg.size === 'number' ? msg.size : null,
        hasQuotedMsg: quotedMsgId !== null,
        quotedMsgId,
        isStatus: Boolean(msg.isStatusV3) || id.remote === 'status@broadcast',
        broadcast: Boolean(msg.broadcast),
        isGroup,
        isForwarded: Boolean(msg.isForwarded),
        location: locationOf(msg),
        vCards: vCardsOf(msg),
        notifyName: id.fromMe ? null : notifyNameOf(msg, author || from),
        chatName: isGroup ? chatNameOf(id.remote) : null,
      };
    }

    // ------------------------------------------------------------ message events

    function isOwnSend(id) {
      return ownSent.has(id) || core.isSentId(id);
    }

    function emitMessage(msg) {
      const id = serializedId(msg.id);
      if (!id || isOwnSend(id) || emittedIds.has(id)) return;
      remember(emittedIds, id);
      try {
        core.emit('message', { msg: serializeMessage(msg) });
      } catch (err) {
        core.log('error', `could not serialise message ${id}: ${messageOf(err)}`);
      }
    }

    function onMessageAdded(msg) {
      if (!msg || !msg.isNewMsg || !msg.id) return;
      if (msg.type !== 'ciphertext') {
        emitMessage(msg);
        return;
      }
      // Not decrypted yet: wait once for the real type.
      const id = serializedId(msg.id);
      decrypting.add(id);
      msg.once('change:type', () => {
        emitMessage(msg);
        // The body / caption set together with the type is not an edit.
        setTimeout(() => decrypting.delete(id), 0);
      });
    }

    function onAckChanged(msg, ack) {
      if (!msg || !msg.id) return;
      core.emit('ack', { id: serializedId(msg.id), ack: clampAck(ack === undefined ? msg.ack : ack) });
    }

    function onTextChanged(field, msg, value, prev) {
      if (!msg || !msg.id) return;
      const id = serializedId(msg.id);
      if (msg.type === 'revoked' || msg.type === 'ciphertext' || decrypting.has(id)) return;
      if (prev == null || value === prev) return;
      const isMediaText = Boolean(msg.directPath);
      if ((field === 'caption') !== isMediaText) return; // a media body is its thumbnail
      core.emit('edit', { id, body: value == null ? '' : String(value), prevBody: String(prev) });
    }

    function onTypeChanged(msg) {
      if (msg && msg.id && msg.type === 'revoked') core.emit('revoke', { id: serializedId(msg.id) });
    }

    function reportReactions(rows) {
      for (const row of Array.isArray(rows) ? rows : [rows]) {
        const id = row && serializedId(row.id || row.msgKey);
        const parentId = row && serializedId(row.reactionParentKey || row.parentMsgKey);
        if (!id || !parentId) continue; // nothing the host could attach it to
        core.emit('reaction', {
          id,
          parentId,
          text: row.reactionText || '',
          timestamp: Number(row.reactionTimestamp) || Date.now(),
          from: widString(row.author || row.from || row.senderUserJid),
        });
      }
    }

    // ------------------------------------------------------------ login and phases

    function currentSocketState() {
      const socket = partValue('socket');
      return socket ? socket.state || null : null;
    }

    function isSynced() {
      const socket = partValue('socket');
      return Boolean(socket && socket.hasSynced);
    }

    function phaseFor(state) {
      if (UNPAIRED_STATES.has(state)) return 'unpaired';
      if (readyState === 'done') return null; // once ready, only a logout moves the phase
      if (BOOTING_STATES.has(state)) return 'booting';
      if (state === 'CONNECTED') return 'syncing';
      return null;
    }

    /** Each state change is reported once: as `phase`, `conflict`, `qr_idle` or `socket_state`. */
    function onSocketState(state) {
      if (!state || state === lastSocketState) return;
      lastSocketState = state;
      if (state === 'CONFLICT') {
        core.emit('conflict', {});
        return;
      }
      if (state === 'CONNECTED' && readyState === 'no' && isSynced()) {
        announceReady();
        return;
      }
      const phase = phaseFor(state);
      const changed = phase ? core.setPhase(phase, { socketState: state }) : false;
      if (state === 'UNPAIRED_IDLE') core.emit('qr_idle', {});
      else if (!changed) core.emit('socket_state', { state });
      if (state === 'UNPAIRED') emitQrIfNew();
    }

    function onSynced() {
      if (isSynced() && currentSocketState() === 'CONNECTED') announceReady();
    }

    async function waitForOwnIds() {
      for (let i = 0; i < ME_WAIT_TRIES && !meString(); i += 1) await delay(200);
      return ownIds();
    }

    /** capabilities (+ degraded), then ready, then phase ready: once per page context. */
    function announceReady() {
      if (readyState !== 'no') return;
      readyState = 'pending';
      waitForOwnIds()
        .then((ids) => {
          const info = connInfo();
          core.announceCapabilities();
          readyState = 'done';
          core.emit('ready', {
            me: ids.pn || ids.lid,
            lid: ids.lid,
            pushname: info.pushname || null,
            platform: info.platform || null,
            waVersion: core.waVersion(),
          });
          core.setPhase('ready', { socketState: currentSocketState() });
        })
        .catch((err) => {
          readyState = 'no';
          core.log('error', `announcing ready failed: ${messageOf(err)}`);
        });
    }

    function reportSyncProgress() {
      const progress = partValue('offlineProgress');
      if (!progress) return;
      let percent;
      try {
        percent = Number(progress());
      } catch (err) {
        return;
      }
      if (!Number.isFinite(percent) || percent === lastProgress) return;
      lastProgress = percent;
      core.emit('loading', { percent });
    }

    function logoutReason(arg, fallback) {
      if (typeof arg === 'string' && arg) return arg;
      if (arg && typeof arg.reason === 'string') return arg.reason;
      return fallback;
    }

    // ------------------------------------------------------------ QR

    async function buildQrPayload(ref) {
      const kit = need('qr');
      const noise = await kit.noiseInfo.get();
      const registration = await kit.signalStore.getRegistrationInfo();
      const advSecret = await kit.advSecret();
      return [
        ref,
        kit.encodeB64(noise.staticKeyPair.pubKey),
        kit.encodeB64(registration.identityKeyPair.pubKey),
        advSecret,
        kit.devicePlatform,
      ].join(',');
    }

    /** Emits `qr` for the current ref when it is new; serialised so `seq` follows the refs. */
    function emitQrIfNew() {
      qrChain = qrChain
        .then(async () => {
          const conn = partValue('conn');
          const ref = conn && conn.ref;
          if (!ref || ref === lastQrRef || currentSocketState() !== 'UNPAIRED') return;
          const payload = await buildQrPayload(ref);
          if (conn.ref !== ref || ref === lastQrRef) return; // rotated meanwhile
          lastQrRef = ref;
          qrSeq += 1;
          core.emit('qr', { payload, seq: qrSeq });
        })
        .catch((err) => core.log('error', `QR: ${messageOf(err)}`));
    }

    // ------------------------------------------------------------ listeners

    function watchSocket(kit) {
      const { socket, cmd } = kit;
      socket.on('change:state', (model, state) => onSocketState(typeof state === 'string' ? state : socket.state));
      socket.on('change:hasSynced', onSynced);
      cmd.on('logout', (arg) => core.emitLoggedOut(logoutReason(arg, 'logout')));
      cmd.on('logout_from_bridge', (arg) => core.emitLoggedOut(logoutReason(arg, 'logout_from_bridge')));
      cmd.on('offline_progress_update_from_bridge', reportSyncProgress);
      onSocketState(socket.state);
      onSynced();
    }

    function watchQr(kit) {
      kit.conn.on('change:ref', emitQrIfNew);
      emitQrIfNew();
    }

    function watchNewMessages(kit) {
      kit.msgs.on('add', onMessageAdded);
    }

    function watchAcks(kit) {
      kit.msgs.on('change:ack', onAckChanged);
    }

    function watchEdits(kit) {
      kit.msgs.on('change:body', (msg, value, prev) => onTextChanged('body', msg, value, prev));
      kit.msgs.on('change:caption', (msg, value, prev) => onTextChanged('caption', msg, value, prev));
    }

    function watchRevokes(kit) {
      kit.msgs.on('change:type', onTypeChanged);
    }

    /** Wraps bulkUpsert; the wrapper always runs the original, and reporting never breaks it. */
    function watchReactions() {
      const hit = resolvePart('reactionUpsert');
      if (!hit) throw new Error('reaction table not found');
      const original = hit.value;
      if (original[HOOK_MARK]) return; // already wrapped in this document
      const wrapped = function bulkUpsert(rows) {
        const result = original.apply(this, arguments);
        try {
          reportReactions(rows);
        } catch (err) {
          core.log('warn', `reaction hook: ${messageOf(err)}`);
        }
        return result;
      };
      wrapped[HOOK_MARK] = original;
      hit.owner[hit.key] = wrapped;
      if (hit.owner[hit.key] !== wrapped) throw new Error('the reaction table export is not writable');
    }

    // Socket last: when WhatsApp is already synced, `ready` follows the other listeners.
    const WATCHERS = [
      ['onNewMessage', watchNewMessages],
      ['onAck', watchAcks],
      ['onEdit', watchEdits],
      ['onRevoke', watchRevokes],
      ['onReaction', watchReactions],
      ['socketState', watchSocket],
      ['qr', watchQr],
    ];

    /** Logs a problem of `capability` once, not at every retry. */
    function logOnce(level, capability, message) {
      if (loggedMissing.has(capability)) return;
      loggedMissing.add(capability);
      core.log(level, message);
    }

    /** Attaches what can be attached; retries the rest (modules register progressively). */
    function attachWatchers() {
      for (const [capability, watch] of WATCHERS) {
        if (attached.has(capability)) continue;
        const kit = tryKit(capability);
        if (!kit) {
          logOnce('warn', capability, `waiting for ${capability}: not found yet`);
          continue;
        }
        try {
          watch(kit);
          attached.add(capability);
        } catch (err) {
          logOnce('error', capability, `attaching ${capability} failed: ${messageOf(err)}`);
        }
      }
      if (attached.size < WATCHERS.length) setTimeout(attachWatchers, ATTACH_RETRY_MS);
    }

    // ------------------------------------------------------------ sending

    async function findChat(kit, chatId) {
      const found = await kit.findChat(kit.createWid(chatId));
      const chat = found && (found.chat || found);
      if (!chat || !chat.id) throw core.error('SendFailed', `no chat for ${chatId}`);
      return chat;
    }

    /** Our own wid as the chat addresses us (phone number, or LID in LID-addressed chats). */
    function senderFor(kit, chat) {
      const metadata = chat.groupMetadata;
      const lidMode = serverOf(chat.id) === 'lid' || Boolean(metadata && metadata.isLidAddressingMode);
      const lid = lidMode && kit.meLid ? kit.meLid() : null;
      const me = lid || kit.mePn();
      if (!me) throw core.error('NotReady', 'own id unknown');
      return me;
    }

    async function loadMessage(msgs, id) {
      const inMemory = msgs.get(id);
      if (inMemory) return inMemory;
      try {
        const found = await msgs.getMessagesById([id]);
        return (found && found.messages && found.messages[0]) || null;
      } catch (err) {
        return null;
      }
    }

    async function quoteContext(kit, chat, quotedId) {
      const quoted = await loadMessage(kit.msgs, requireString(quotedId, 'quotedId'));
      if (!quoted) {
        core.log('warn', `quoted message ${quotedId} not found; sending without the quote`);
        return {};
      }
      const target = typeof quoted.unsafe === 'function' ? quoted.unsafe() : quoted;
      if (!kit.canReply(target)) return {};
      return quoted.msgContextInfo(chat);
    }

    async function newOutgoingMessage(kit, chat, quotedId) {
      const me = senderFor(kit, chat);
      const isGroup = serverOf(chat.id) === 'g.us';
      const MsgKey = kit.msgKey;
      const key = new MsgKey({
        from: me,
        to: chat.id,
        id: await kit.newMsgId(),
        participant: isGroup ? me : undefined,
        selfDir: 'out',
      });
      const message = Object.assign(
        {
          id: key,
          ack: 0,
          from: me,
          to: chat.id,
          local: true,
          self: 'out',
          t: nowSeconds(),
          isNewMsg: true,
          type: 'chat',
        },
        kit.ephemeralFields(chat),
      );
      if (quotedId != null && quotedId !== '') Object.assign(message, await quoteContext(kit, chat, quotedId));
      return message;
    }

    function sendPair(result) {
      return Array.isArray(result) ? result : [result, result];
    }

    async function sendMessage(kit, chat, message, context) {
      const id = serializedId(message.id);
      remember(ownSent, id); // before the add event fires
      if (context && typeof context.willSend === 'function') context.willSend(id);
      let outcome;
      try {
        const [added, result] = sendPair(kit.addAndSend(chat, message));
        await added;
        outcome = await result;
      } catch (err) {
        throw core.error('SendFailed', messageOf(err));
      }
      const verdict = outcome && outcome.messageSendResult;
      if (verdict && verdict !== 'OK') throw core.error('SendFailed', `WhatsApp answered ${verdict}`);
      const stored = kit.msgs.get(id);
      return { id, ack: clampAck(stored ? stored.ack : message.ack) };
    }

    async function sendText(args, context) {
      requireReady();
      const to = requireChatId(args.to, 'to');
      if (typeof args.body !== 'string' || args.body === '') throw core.error('BadArgs', '"body" must be a non-empty string');
      const kit = need('sendText');
      const chat = await findChat(kit, to);
      const message = await newOutgoingMessage(kit, chat, args.quotedId);
      message.body = args.body;
      return sendMessage(kit, chat, message, context);
    }

    // ------------------------------------------------------------ media out

    function mediaKind(mimetype, asVoice) {
      const major = mimetype.split('/')[0];
      if (major === 'audio') return asVoice ? 'ptt' : 'audio';
      if (major === 'image') return 'image';
      if (major === 'video') return 'video';
      return 'document';
    }

    function defaultFilename(mimetype) {
      const subtype = (mimetype.split('/')[1] || 'bin').split(';')[0].trim();
      return `file.${subtype || 'bin'}`;
    }

    function plainData(mediaData) {
      return typeof mediaData.toJSON === 'function' ? Object.assign({}, mediaData.toJSON()) : Object.assign({}, mediaData);
    }

    function setFields(model, fields) {
      if (typeof model.set === 'function') model.set(fields);
      else Object.assign(model, fields);
    }

    function withTimeout(promise, ms, fallback) {
      return Promise.race([promise, delay(ms).then(() => fallback)]);
    }

    /** 64 bars of 0..100 for a voice note; flat when the audio cannot be decoded (in time). */
    function voiceWaveform(bytes) {
      const flat = new Uint8Array(WAVEFORM_BARS);
      return withTimeout(decodeWaveform(bytes, flat), WAVEFORM_TIMEOUT_MS, flat);
    }

    async function decodeWaveform(bytes, flat) {
      const Context = window.OfflineAudioContext;
      if (!Context) return flat;
      try {
        const audio = await new Context(1, 1, 44100).decodeAudioData(bytes.slice().buffer);
        const samples = audio.getChannelData(0);
        const block = Math.max(1, Math.floor(samples.length / WAVEFORM_BARS));
        const levels = [];
        for (let bar = 0; bar < WAVEFORM_BARS; bar += 1) {
          let sum = 0;
          for (let i = bar * block; i < Math.min(samples.length, (bar + 1) * block); i += 1) sum += Math.abs(samples[i]);
          levels.push(sum / block);
        }
        const peak = Math.max.apply(null, levels) || 1;
        return Uint8Array.from(levels, (level) => Math.round((level / peak) * 100));
      } catch (err) {
        return flat;
      }
    }

    /**
     * WhatsApp's upload sequence, kept in one place: opaque data -> prep -> media object ->
     * media type -> upload. Returns the message fields of the uploaded media.
     */
    async function uploadMediaBytes(kit, bytes, mimetype, filename, kind) {
      const file = new File([bytes], filename, { type: mimetype });
      const opaque = await kit.createOpaque(file, mimetype);
      const prep = kit.prepRawMedia(opaque, {
        asSticker: false,
        asGif: false,
        isPtt: kind === 'ptt',
        asDocument: kind === 'document',
      });
      const mediaData = await prep.waitForPrep();
      const mediaObject = kit.mediaObject(mediaData.filehash);
      const mediaType = kit.mediaType({ type: mediaData.type || kind, isGif: false });
      if (kind === 'ptt') {
        const known = mediaObject.contentInfo && mediaObject.contentInfo.waveform;
        setFields(mediaData, { waveform: known || (await voiceWaveform(bytes)) });
      }
      // WhatsApp wants the prepared blob as opaque data with a renderable URL before uploading.
      if (typeof kit.opaqueData === 'function' && !(mediaData.mediaBlob instanceof kit.opaqueData)) {
        const blob = mediaData.mediaBlob || file;
        setFields(mediaData, { mediaBlob: await kit.createOpaque(blob, blob.type || mimetype) });
      }
      if (mediaData.mediaBlob && typeof mediaData.mediaBlob.url === 'function') {
        setFields(mediaData, { renderableUrl: mediaData.mediaBlob.url() });
      }
      if (typeof mediaObject.consolidate === 'function') mediaObject.consolidate(plainData(mediaData));
      const uploaded = await kit.uploadMedia({ mimetype: mediaData.mimetype || mimetype, mediaObject, mediaType });
      const entry = uploaded && uploaded.mediaEntry;
      if (!entry) throw core.error('SendFailed', 'media upload failed: no media entry');
      return Object.assign(plainData(mediaData), {
        clientUrl: entry.mmsUrl,
        deprecatedMms3Url: entry.deprecatedMms3Url,
        directPath: entry.directPath,
        mediaKey: entry.mediaKey,
        mediaKeyTimestamp: entry.mediaKeyTimestamp,
        filehash: mediaObject.filehash || mediaData.filehash,
        encFilehash: entry.encFilehash,
        uploadhash: entry.uploadHash,
        size: mediaObject.size || bytes.length,
        streamingSidecar: entry.sidecar,
        firstFrameSidecar: entry.firstFrameSidecar,
      });
    }

    async function sendMedia(args, context) {
      requireReady();
      const to = requireChatId(args.to, 'to');
      const mimetype = requireString(args.mimetype, 'mimetype');
      const token = requireString(args.token, 'token');
      const kit = need('sendMedia');
      const bytes = core.decodeBase64(core.uploadBase64(token));
      if (bytes.length === 0) throw core.error('BadArgs', `upload ${token} is empty`);
      const kind = mediaKind(mimetype, Boolean(args.asVoice));
      const filename = typeof args.filename === 'string' && args.filename ? args.filename : defaultFilename(mimetype);
      const chat = await findChat(kit, to);
      let media;
      try {
        media = await uploadMediaBytes(kit, bytes, mimetype, filename, kind);
      } catch (err) {
        throw err && err.isBridgeError ? err : core.error('SendFailed', `media upload failed: ${messageOf(err)}`);
      }
      const message = await newOutgoingMessage(kit, chat, args.quotedId);
      Object.assign(message, media, { type: kind, mimetype, filename, size: bytes.length });
      if (media.preview) message.body = media.preview;
      else delete message.body;
      if (typeof args.caption === 'string' && args.caption && kind !== 'ptt') message.caption = args.caption;
      return sendMessage(kit, chat, message, context);
    }

    // ------------------------------------------------------------ other commands

    async function markRead(args) {
      requireReady();
      const chatId = requireChatId(args.chatId, 'chatId');
      const kit = need('markRead');
      const chat = kit.chats.get(chatId) || kit.chats.get(kit.createWid(chatId));
      if (!chat) throw core.error('NotFound', `no chat ${chatId}`);
      kit.stream.markAvailable();
      try {
        await kit.sendSeen({ chat, threadId: undefined });
      } finally {
        kit.stream.markUnavailable();
      }
      return true;
    }

    async function profilePic(args) {
      requireReady();
      const wid = requireChatId(args.wid, 'wid');
      const kit = need('profilePic');
      try {
        const pic = await kit.profilePicFromServer(kit.createWid(wid));
        return (pic && pic.eurl) || null;
      } catch (err) {
        if (isServerStatusError(err)) return null; // hidden by privacy, or none
        throw err;
      }
    }

    function numberToWid(number) {
      if (typeof number === 'string' && /^\d+@c\.us$/.test(number)) return number;
      const digits = String(number == null ? '' : number).replace(/\D/g, '');
      if (!digits) throw core.error('BadArgs', '"number" must contain digits');
      return `${digits}@c.us`;
    }

    async function queryExists(args) {
      requireReady();
      const wid = numberToWid(args.number);
      const kit = need('queryExists');
      const result = await kit.queryWidExists(kit.createWid(wid));
      return result && result.wid ? { wid: widString(result.wid) } : null;
    }

    /** One server round trip; it must not answer while the connection is a zombie. */
    async function probeCommand() {
      requireReady();
      const me = ownIds().pn || meString();
      if (!me) throw core.error('NotReady', 'own id unknown');
      const exists = tryKit('queryExists');
      if (exists) {
        await exists.queryWidExists(exists.createWid(me));
        return true;
      }
      const pics = tryKit('profilePic');
      if (pics) {
        try {
          await pics.profilePicFromServer(pics.createWid(me));
        } catch (err) {
          if (!isServerStatusError(err)) throw err;
        }
        return true;
      }
      core.reportMissing(['queryExists', 'profilePic']);
      throw core.error('Degraded', 'probe needs queryExists or profilePic');
    }

    // Download QPL: WhatsApp calls chained tracing methods on it; every method returns itself.
    const noopQpl = new Proxy({}, { get: () => function chain() { return noopQpl; } });

    function isFailedStage(stage) {
      return String(stage).includes('ERROR') || stage === 'FETCHING';
    }

    async function downloadMedia(args) {
      requireReady();
      const id = requireString(args.id, 'id');
      const kit = need('downloadMedia');
      const msg = await loadMessage(kit.msgs, id);
      if (!msg) throw core.error('NotFound', `no message ${id}`);
      if (!msg.directPath || !msg.mediaData) throw core.error('MediaUnavailable', `message ${id} has no media`);
      if (msg.mediaData.mediaStage === 'REUPLOADING') throw core.error('MediaUnavailable', 'the media is being re-uploaded');
      if (msg.mediaData.mediaStage !== 'RESOLVED') {
        try {
          await msg.downloadMedia({ downloadEvenIfExpensive: true, rmrReason: 1 });
        } catch (err) {
          throw core.error('MediaUnavailable', `download failed: ${messageOf(err)}`);
        }
      }
      if (isFailedStage(msg.mediaData.mediaStage)) {
        throw core.error('MediaUnavailable', `media stage ${msg.mediaData.mediaStage}`);
      }
      let data;
      try {
        data = await kit.download({
          directPath: msg.directPath,
          encFilehash: msg.encFilehash,
          filehash: msg.filehash,
          mediaKey: msg.mediaKey,
          mediaKeyTimestamp: msg.mediaKeyTimestamp,
          type: msg.type,
          signal: new AbortController().signal,
          downloadQpl: noopQpl,
        });
      } catch (err) {
        const expired = err && err.status === 404;
        throw core.error('MediaUnavailable', expired ? 'the media expired (404)' : `download failed: ${messageOf(err)}`);
      }
      if (!data) throw core.error('MediaUnavailable', 'the download returned nothing');
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
      return {
        token: core.putDownload(bytes),
        size: bytes.length,
        mimetype: msg.mimetype || null,
        filename: msg.filename || null,
      };
    }

    async function refreshQr() {
      const kit = need('qr');
      if (!kit.refreshQR) throw core.error('Degraded', `qr: ${describePart('refreshQR')} not found`);
      await kit.refreshQR();
      return true;
    }

    async function socketCommand(method) {
      const { socket } = need('socketState');
      if (typeof socket[method] !== 'function') throw core.error('Degraded', `socketState: Socket.${method} not found`);
      await socket[method]();
      return true;
    }

    function status() {
      return { phase: core.phase(), socketState: currentSocketState(), me: meString() };
    }

    return {
      id: ADAPTER_ID,
      testedRange: TESTED_RANGE,
      probes: PROBES,
      probe,
      start: attachWatchers,
      commands: {
        sendText,
        sendMedia,
        markRead,
        profilePic,
        queryExists,
        downloadMedia,
        probe: probeCommand,
        refreshQr,
        reconnect: () => socketCommand('reconnect'),
        takeover: () => socketCommand('takeover'),
        logout: () => socketCommand('logout'),
        status,
      },
    };
  }

  // The factory carries its id and probes so a contract test can read them without starting it.
  createAdapter.id = ADAPTER_ID;
  createAdapter.testedRange = TESTED_RANGE;
  createAdapter.probes = PROBES;
  registry.push(createAdapter);
})();
