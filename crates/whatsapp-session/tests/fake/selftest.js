/*
 * selftest.js: drives the fake (window.__fake) and the bridge (window.__waBridge.call) and
 * writes PASS / FAIL lines into #selftest-results, then a SUMMARY line.
 *
 * Phase A (selftest.html): boot, QR, login, events, commands, drift, zombie, conflict, logout.
 *   Chromium's --virtual-time-budget never resumes after a navigation of the main page, so the
 *   fake's logout navigation is cancelled (Navigation API) and its target checked; with
 *   `?follow=1` (a normal browser, or CDP) it is followed and phase B runs there, after phase A's
 *   results (kept in sessionStorage).
 * Phase B (selftest.html?post_logout=1&timeScale=0.01): the page after a logout; the core runs
 *   first and the adapter arrives late.
 * Phase R (selftest.html?restart=1): a restart on a profile with a saved login: ready, no QR.
 */
(function () {
  'use strict';

  const T = window.__selftest;
  const RESULTS_KEY = 'selftest-results';
  const ME = '5511888880000@c.us';
  const MARIA = '5511999990001@c.us';
  const GROUP = '120363000000000001@g.us';
  const ANA = '5511777770000@c.us';
  const NOISE_B64 = 'AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=';
  const IDENTITY_B64 = 'ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BB';
  const ADV_SECRET = 'YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4A=';
  const CAPABILITIES = [
    'socketState', 'qr', 'me', 'onNewMessage', 'onAck', 'onEdit', 'onRevoke', 'onReaction',
    'sendText', 'sendMedia', 'markRead', 'profilePic', 'queryExists', 'downloadMedia',
  ];

  const results = T.phase === 'A' ? [] : JSON.parse(sessionStorage.getItem(RESULTS_KEY) || '[]');
  const ids = {}; // message ids shared between scenarios

  // ------------------------------------------------------------ reporting

  function report(ok, name, detail) {
    results.push(ok ? `PASS ${name}` : `FAIL ${name}: ${detail}`);
    render();
  }

  function render() {
    const count = (prefix) => results.filter((line) => line.startsWith(prefix)).length;
    const summary = `SUMMARY phase=${T.phase} pass=${count('PASS')} fail=${count('FAIL')}`;
    document.getElementById('selftest-results').textContent = results.concat([summary]).join('\n');
  }

  function stable(value) {
    if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
    if (value && typeof value === 'object') {
      return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stable(value[k])}`).join(',')}}`;
    }
    return JSON.stringify(value);
  }

  function check(name, condition, detail) {
    report(Boolean(condition), name, detail || 'condition false');
  }

  function equal(name, actual, expected) {
    const a = stable(actual);
    const e = stable(expected);
    report(a === e, name, `got ${a}, expected ${e}`);
  }

  // ------------------------------------------------------------ helpers

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function waitFor(predicate, label, ms = 4000) {
    const until = Date.now() + ms;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timeout waiting for ${label}`);
      await sleep(10);
    }
  }

  const mark = () => T.envelopes.length;

  function events(type, from = 0) {
    return T.envelopes.slice(from).filter((e) => e.type === type).map((e) => e.data);
  }

  function nextEvent(type, from, predicate = () => true, ms) {
    return waitFor(() => events(type, from).find(predicate), `a ${type} event`, ms);
  }

  function call(name, args) {
    return window.__waBridge.call(name, JSON.stringify(args || {}));
  }

  async function value(name, args) {
    const answer = await call(name, args);
    if (!answer.ok) throw new Error(`${name} failed: ${answer.error.name}: ${answer.error.message}`);
    return answer.value;
  }

  async function errorName(name, args) {
    const answer = await call(name, args);
    return answer.ok ? `ok:${JSON.stringify(answer.value)}` : answer.error.name;
  }

  function race(promise, ms) {
    return Promise.race([promise, sleep(ms).then(() => 'timeout')]);
  }

  function patternBytes(length, seed) {
    return Uint8Array.from({ length }, (_, i) => (i * seed + 3) & 0xff);
  }

  function toBase64(bytes) {
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary);
  }

  function fromBase64(text) {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  }

  function qrPayload(n) {
    return `FAKE-REF-${n},${NOISE_B64},${IDENTITY_B64},${ADV_SECRET},WEB`;
  }

  const wa = (name) => window.require(name);

  async function putUpload(token, base64, chunkChars) {
    let size = 0;
    for (let i = 0; i < base64.length; i += chunkChars) {
      size = (await value('mediaPut', { token, chunk: base64.slice(i, i + chunkChars) })).size;
    }
    return size;
  }

  async function takeDownload(token, length) {
    const parts = [];
    for (let offset = 0; ; offset += length) {
      const piece = await value('mediaTake', { token, offset, length });
      parts.push(fromBase64(piece.chunk));
      if (piece.done) break;
    }
    const total = parts.reduce((n, p) => n + p.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return { bytes, chunks: parts.length };
  }

  function sameBytes(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  function lastSent() {
    const sent = window.__fake.sent();
    return sent[sent.length - 1];
  }

  // ------------------------------------------------------------ phase A scenarios

  const PHASE_A = [
    ['boot: phases loading -> booting -> unpaired, QR rotation, qr_idle', async () => {
      await waitFor(() => events('qr_idle').length > 0, 'qr_idle', 8000);
      equal('first envelope is phase loading', [T.envelopes[0].type, T.envelopes[0].data.phase], ['phase', 'loading']);
      equal('phases until the QR', events('phase').map((p) => p.phase), ['loading', 'booting', 'unpaired']);
      const qrs = events('qr');
      equal('qr seq 1..6', qrs.map((q) => q.seq), [1, 2, 3, 4, 5, 6]);
      equal('qr payloads exact', qrs.map((q) => q.payload), [1, 2, 3, 4, 5, 6].map(qrPayload));
      const order = T.envelopes.map((e) => e.type);
      check('qr_idle after the sixth qr', order.indexOf('qr_idle') > order.lastIndexOf('qr'));
      const qrDiv = document.querySelector('div[data-ref]');
      check('DOM: div[data-ref] > canvas and a reload button', qrDiv && qrDiv.querySelector('canvas') && qrDiv.querySelector('span > button'));
      equal('DOM: data-ref holds the last payload', qrDiv && qrDiv.getAttribute('data-ref'), qrPayload(6));
    }],

    ['hello and commands before login', async () => {
      const hello = await value('hello');
      equal('hello', [hello.epoch, hello.adapter, hello.phase, hello.waVersion],
        [T.envelopes[0].epoch, 'wa-adapter-2.3000', 'unpaired', '2.3000.9999999-fake']);
      check('hello.lastSeq is the last emitted seq', hello.lastSeq === T.envelopes[T.envelopes.length - 1].seq, `lastSeq ${hello.lastSeq}`);
      equal('sendText before login -> NotReady', await errorName('sendText', { to: MARIA, body: 'x', key: 'early' }), 'NotReady');
      equal('status before login', await value('status'), { phase: 'unpaired', socketState: 'UNPAIRED_IDLE', me: null });
    }],

    ['refreshQr restarts the rotation', async () => {
      const from = mark();
      equal('refreshQr answers true', await value('refreshQr'), true);
      const qr = await nextEvent('qr', from);
      equal('qr after refresh', qr, { payload: qrPayload(7), seq: 7 });
    }],

    ['scan -> ready', async () => {
      const from = mark();
      window.__fake.scan({ me: '5511888880000', lid: '99887766@lid', pushname: 'Agent Smith' });
      const ready = await nextEvent('ready', from, undefined, 6000);
      equal('ready data', ready,
        { me: ME, lid: '99887766@lid', pushname: 'Agent Smith', platform: 'android', waVersion: '2.3000.9999999-fake' });
      const types = T.envelopes.slice(from).map((e) => e.type);
      const capsAt = types.indexOf('capabilities');
      check('capabilities before ready', capsAt >= 0 && capsAt < types.indexOf('ready'), types.join(','));
      const caps = events('capabilities', from)[0];
      equal('capabilities at ready', [caps.adapter, caps.ok, caps.missing], ['wa-adapter-2.3000', CAPABILITIES, []]);
      check('no degraded at ready', events('degraded', from).length === 0);
      equal('phases after scan', events('phase', from).map((p) => p.phase), ['booting', 'syncing', 'ready']);
      check('loading progress reaches 100', events('loading', from).some((l) => l.percent === 100), JSON.stringify(events('loading', from)));
      equal('status', await value('status'), { phase: 'ready', socketState: 'CONNECTED', me: ME });
      equal('saved login', JSON.parse(localStorage.getItem('fake-wa-session')), { me: ME, lid: '99887766@lid', pushname: 'Agent Smith' });
      check('DOM: #pane-side', document.getElementById('pane-side'));
    }],

    ['probes: every {module, path} exists in the fake', async () => {
      const factory = window.__waBridgeAdapters[0];
      const probes = factory.probes;
      const missing = [];
      for (const probe of probes) {
        let target;
        try {
          target = probe.path.reduce((v, key) => (v == null ? undefined : v[key]), window.require(probe.module));
        } catch (err) {
          target = undefined;
        }
        const fits = target != null && (probe.arity === undefined || (typeof target === 'function' && target.length >= probe.arity));
        if (!fits) missing.push(`${probe.capability}:${probe.module}.${probe.path.join('.')}/${probe.arity}`);
      }
      equal('probes missing in the fake', missing, []);
      equal('probes cover every capability', Array.from(new Set(probes.map((p) => p.capability))), CAPABILITIES);
      check('factory id', factory.id === 'wa-adapter-2.3000');
    }],

    ['receive: text', async () => {
      const from = mark();
      ids.text = window.__fake.receive({ from: MARIA, body: 'hello', t: 1700000000, notifyName: 'Maria', id: '3EB0ABC' });
      const { msg } = await nextEvent('message', from);
      equal('text message shape', msg, {
        id: { fromMe: false, remote: MARIA, id: '3EB0ABC', participant: null, _serialized: `false_${MARIA}_3EB0ABC` },
        from: MARIA, to: ME, author: null, body: 'hello', type: 'chat', subtype: null, timestamp: 1700000000, ack: 0,
        hasMedia: false, mimetype: null, filename: null, size: null, hasQuotedMsg: false, quotedMsgId: null,
        isStatus: false, broadcast: false, isGroup: false, isForwarded: false, location: null, vCards: [],
        notifyName: 'Maria', chatName: null,
      });
    }],

    ['receive: image with base64', async () => {
      ids.imageBytes = patternBytes(3000, 7);
      const from = mark();
      const media = { mimetype: 'image/jpeg', base64: toBase64(ids.imageBytes), filename: 'pic.jpg' };
      ids.image = window.__fake.receive({ from: MARIA, body: 'look', media });
      const { msg } = await nextEvent('message', from);
      equal('image message', [msg.id._serialized, msg.type, msg.hasMedia, msg.mimetype, msg.filename, msg.size, msg.body],
        [ids.image, 'image', true, 'image/jpeg', 'pic.jpg', 3000, 'look']);
    }],

    ['receive: location, vcard, multi vcard', async () => {
      let from = mark();
      window.__fake.receive({ from: MARIA, location: { lat: -23.5614, lng: -46.6559, loc: 'Av. Paulista' } });
      let { msg } = await nextEvent('message', from);
      equal('location message', [msg.type, msg.location, msg.body, msg.hasMedia],
        ['location', { lat: -23.5614, lng: -46.6559, loc: 'Av. Paulista' }, '', false]);
      const card = 'BEGIN:VCARD\nVERSION:3.0\nFN:John Doe\nTEL;type=CELL:+5511912345678\nEND:VCARD';
      from = mark();
      window.__fake.receive({ from: MARIA, vcard: card });
      ({ msg } = await nextEvent('message', from));
      equal('vcard message', [msg.type, msg.vCards, msg.body], ['vcard', [card], card]);
      from = mark();
      window.__fake.receive({ from: MARIA, vcard: [card, card.replace('John', 'Jane')] });
      ({ msg } = await nextEvent('message', from));
      equal('multi_vcard message', [msg.type, msg.vCards.length, msg.vCards[1].includes('Jane')], ['multi_vcard', 2, true]);
    }],

    ['receive: quoted reply', async () => {
      const from = mark();
      const id = window.__fake.receive({ from: MARIA, body: 'as I said', quotedId: ids.text });
      const { msg } = await nextEvent('message', from, (d) => d.msg.id._serialized === id);
      equal('quote', [msg.hasQuotedMsg, msg.quotedMsgId], [true, ids.text]);
    }],

    ['receive: group message', async () => {
      window.__fake.addChat({ id: GROUP, name: 'Support team' });
      const from = mark();
      ids.group = window.__fake.receive({ from: GROUP, author: ANA, body: 'hi all', notifyName: 'Ana', id: 'GRP1' });
      const { msg } = await nextEvent('message', from);
      equal('group message', [msg.id, msg.from, msg.to, msg.author, msg.isGroup, msg.chatName, msg.notifyName], [
        { fromMe: false, remote: GROUP, id: 'GRP1', participant: ANA, _serialized: `false_${GROUP}_GRP1_${ANA}` },
        GROUP, ME, ANA, true, 'Support team', 'Ana',
      ]);
      const replyFrom = mark();
      window.__fake.receive({ from: GROUP, author: MARIA, body: 'agreed', quotedId: ids.group });
      const reply = (await nextEvent('message', replyFrom)).msg;
      equal('group quote keeps the participant', reply.quotedMsgId, ids.group);
    }],

    ['receive: a message sent from the phone', async () => {
      const from = mark();
      const id = window.__fake.receive({ fromMe: true, to: MARIA, body: 'sent from the phone', id: 'PHONE1' });
      const { msg } = await nextEvent('message', from);
      equal('phone message', [id, msg.id.fromMe, msg.from, msg.to, msg.body, msg.notifyName],
        [`true_${MARIA}_PHONE1`, true, ME, MARIA, 'sent from the phone', null]);
    }],

    ['receive: ciphertext first resolves to one message', async () => {
      const from = mark();
      const id = window.__fake.receive({ from: MARIA, body: 'secret', ciphertextFirst: true });
      await nextEvent('message', from, (d) => d.msg.id._serialized === id);
      await sleep(300);
      const mine = events('message', from).filter((d) => d.msg.id._serialized === id);
      equal('one message event, decrypted', mine.map((d) => [d.msg.type, d.msg.body]), [['chat', 'secret']]);
      equal('no edit for the decryption', events('edit', from).filter((e) => e.id === id), []);
    }],

    ['sendText: result, sent(), no message event, idempotent', async () => {
      const from = mark();
      const result = await value('sendText', { to: MARIA, body: 'Hello from the agent', key: 'key-1' });
      ids.sent = result.id;
      check('result id', /^true_5511999990001@c\.us_FAKEMSG\d{6}$/.test(result.id), result.id);
      check('result ack is a number', typeof result.ack === 'number' && result.ack >= 0, JSON.stringify(result));
      const sent = lastSent();
      equal('sent()', [sent.id, sent.to, sent.body, sent.type, sent.quotedId], [result.id, MARIA, 'Hello from the agent', 'chat', null]);
      const count = window.__fake.sent().length;
      equal('same key again -> first result', await value('sendText', { to: MARIA, body: 'Hello from the agent', key: 'key-1' }), result);
      const twins = await Promise.all([
        value('sendText', { to: MARIA, body: 'twin', key: 'key-2' }),
        value('sendText', { to: MARIA, body: 'twin', key: 'key-2' }),
      ]);
      equal('concurrent same key -> one send', [twins[0].id === twins[1].id, window.__fake.sent().length], [true, count + 1]);
      const stored = JSON.parse(localStorage.getItem('__waBridge.sent')).map((e) => e[0]);
      check('idempotency map in localStorage', stored.includes('key-1') && stored.includes('key-2'), JSON.stringify(stored));
      await sleep(100);
      const own = events('message', from).filter((d) => d.msg.id.fromMe);
      equal('no message event for own sends', own.map((d) => d.msg.id._serialized), []);
    }],

    ['acks 1 -> 2 -> 3 for a send (autoAck)', async () => {
      await waitFor(() => events('ack').some((a) => a.id === ids.sent && a.ack === 3), 'ack 3');
      equal('acks of the send', events('ack').filter((a) => a.id === ids.sent).map((a) => a.ack), [1, 2, 3]);
      const from = mark();
      window.__fake.ack(ids.sent, 4);
      equal('ack control', await nextEvent('ack', from), { id: ids.sent, ack: 4 });
    }],

    ['sendText with a quote', async () => {
      await value('sendText', { to: MARIA, body: 'replying', quotedId: ids.text, key: 'key-quote' });
      equal('sent().quotedId', lastSent().quotedId, ids.text);
      await value('sendText', { to: GROUP, body: 'to the group', key: 'key-group' });
      equal('group send', [lastSent().to, lastSent().id.startsWith(`true_${GROUP}_FAKEMSG`)], [GROUP, true]);
    }],

    ['sendMedia: chunks in, byte-exact out', async () => {
      const bytes = patternBytes(70000, 13);
      const base64 = toBase64(bytes);
      const size = await putUpload('up-doc', base64, 10001);
      equal('mediaPut size', size, 70000);
      const doc = { to: MARIA, mimetype: 'application/pdf', filename: 'report.pdf', caption: 'the report', asVoice: false };
      const result = await value('sendMedia', Object.assign({ token: 'up-doc', key: 'key-doc' }, doc));
      ids.sentDoc = result.id;
      const sent = lastSent();
      equal('sent() document', [sent.id, sent.type, sent.mimetype, sent.filename, sent.caption, sent.size, sent.base64 === base64],
        [result.id, 'document', 'application/pdf', 'report.pdf', 'the report', 70000, true]);
      equal('the upload buffer is freed', await errorName('sendMedia', Object.assign({ token: 'up-doc', key: 'key-doc-2' }, doc)), 'NotFound');
      equal('same key again -> first result', await value('sendMedia', Object.assign({ token: 'up-doc', key: 'key-doc' }, doc)), result);

      const image = patternBytes(5000, 31);
      await putUpload('up-img', toBase64(image), 4096);
      await value('sendMedia',
        { to: MARIA, token: 'up-img', mimetype: 'image/png', filename: 'shot.png', caption: 'screenshot', asVoice: false, key: 'key-img' });
      equal('sent() image', [lastSent().type, lastSent().caption, lastSent().base64 === toBase64(image)], ['image', 'screenshot', true]);

      const voice = patternBytes(2000, 5);
      await putUpload('up-ptt', toBase64(voice), 1000);
      await value('sendMedia',
        { to: MARIA, token: 'up-ptt', mimetype: 'audio/ogg; codecs=opus', filename: 'voice.ogg', caption: '', asVoice: true, key: 'key-ptt' });
      equal('sent() voice note', [lastSent().type, lastSent().base64 === toBase64(voice)], ['ptt', true]);
    }],

    ['downloadMedia + mediaTake round trip', async () => {
      const meta = await value('downloadMedia', { id: ids.image });
      equal('download meta', [meta.size, meta.mimetype, meta.filename, typeof meta.token], [3000, 'image/jpeg', 'pic.jpg', 'string']);
      const taken = await takeDownload(meta.token, 1001);
      check('bytes equal', sameBytes(taken.bytes, ids.imageBytes), `length ${taken.bytes.length}`);
      equal('taken in 3 chunks', taken.chunks, 3);
      equal('token freed after done', await errorName('mediaTake', { token: meta.token, offset: 0, length: 10 }), 'NotFound');
      const own = await value('downloadMedia', { id: ids.sentDoc });
      const ownBytes = await takeDownload(own.token, 65536);
      check('own upload downloads byte-exact', sameBytes(ownBytes.bytes, patternBytes(70000, 13)));
    }],

    ['expired media -> MediaUnavailable', async () => {
      const media = { mimetype: 'video/mp4', base64: toBase64(patternBytes(100, 3)), filename: 'old.mp4', expired: true };
      const id = window.__fake.receive({ from: MARIA, body: 'old', media });
      await waitFor(() => events('message').some((d) => d.msg.id._serialized === id), 'the video message');
      equal('expired', await errorName('downloadMedia', { id }), 'MediaUnavailable');
      equal('unknown message', await errorName('downloadMedia', { id: `false_${MARIA}_NOPE` }), 'NotFound');
      equal('no media', await errorName('downloadMedia', { id: ids.text }), 'MediaUnavailable');
    }],

    ['edit, revoke, react', async () => {
      let from = mark();
      window.__fake.edit(ids.text, 'hello (edited)');
      equal('edit event', await nextEvent('edit', from), { id: ids.text, body: 'hello (edited)', prevBody: 'hello' });
      from = mark();
      window.__fake.edit(ids.image, 'look again');
      equal('caption edit', await nextEvent('edit', from), { id: ids.image, body: 'look again', prevBody: 'look' });

      const victim = window.__fake.receive({ from: MARIA, body: 'oops' });
      await waitFor(() => events('message').some((d) => d.msg.id._serialized === victim), 'the message to revoke');
      from = mark();
      window.__fake.revoke(victim);
      equal('revoke event', await nextEvent('revoke', from), { id: victim });
      equal('no edit for a revoke', events('edit', from), []);

      from = mark();
      const reactionId = window.__fake.react(ids.text, '👍', MARIA);
      const reaction = await nextEvent('reaction', from);
      equal('reaction event', [reaction.id, reaction.parentId, reaction.text, reaction.from, typeof reaction.timestamp],
        [reactionId, ids.text, '👍', MARIA, 'number']);
      from = mark();
      window.__fake.react(ids.text, '', MARIA);
      equal('reaction removed', (await nextEvent('reaction', from)).text, '');
      check('reaction hook keeps arity', wa('WAWebAddonReactionTableMode').reactionTableMode.bulkUpsert.length === 1);
    }],

    ['markRead with strictSignatures', async () => {
      equal('strictSignatures is on', window.__fake.settings().strictSignatures, true);
      const chat = wa('WAWebCollections').Chat.get(MARIA);
      let threw = null;
      try {
        wa('WAWebUpdateUnreadChatAction').sendSeen(chat);
      } catch (err) {
        threw = err.name;
      }
      equal('the fake refuses a positional sendSeen', threw, 'TypeError');
      check('chat has unread messages', chat.unreadCount > 0, `unread ${chat.unreadCount}`);
      const before = window.__fake.calls().length;
      equal('markRead', await value('markRead', { chatId: MARIA }), true);
      const calls = window.__fake.calls().slice(before);
      const named = calls.map((c) => c.name + (c.args && c.args.signature ? `:${c.args.signature}` : ''));
      equal('markAvailable, sendSeen({chat}), markUnavailable', named,
        ['markAvailable', 'sendSeen:object', 'markUnavailable']);
      equal('unread cleared', chat.unreadCount, 0);
      equal('markRead unknown chat', await errorName('markRead', { chatId: '5500000000000@c.us' }), 'NotFound');
      equal('markRead bad id', await errorName('markRead', { chatId: 'nonsense' }), 'BadArgs');
    }],

    ['queryExists and profilePic', async () => {
      equal('registered', await value('queryExists', { number: '5511999990001' }), { wid: MARIA });
      window.__fake.setRegistered(['5511999990001']);
      equal('unregistered', await value('queryExists', { number: '+55 11 00000-0000' }), null);
      equal('registered with @c.us', await value('queryExists', { number: MARIA }), { wid: MARIA });
      window.__fake.setRegistered(null);
      equal('default picture', await value('profilePic', { wid: MARIA }), `${location.origin}/media/pp-5511999990001.jpg`);
      window.__fake.setProfilePic(MARIA, 'http://127.0.0.1/pic.jpg');
      equal('set picture', await value('profilePic', { wid: MARIA }), 'http://127.0.0.1/pic.jpg');
      window.__fake.setProfilePic(MARIA, null);
      equal('hidden picture', await value('profilePic', { wid: MARIA }), null);
    }],

    ['drift: breakModule and renameExport', async () => {
      window.__fake.breakModule('WAWebQueryExistsJob');
      let from = mark();
      const caps = await value('capabilities');
      equal('capabilities missing', caps.missing, ['queryExists']);
      equal('capabilities event', events('capabilities', from).map((c) => c.missing), [['queryExists']]);
      equal('degraded event', events('degraded', from), [{ missing: ['queryExists'] }]);
      equal('queryExists -> Degraded', await errorName('queryExists', { number: '5511999990001' }), 'Degraded');
      equal('probe falls back to the profile picture', await value('probe'), true);
      window.__fake.reset();
      equal('repaired', (await value('capabilities')).missing, []);

      window.__fake.renameExport('WAWebMsgReply', 'canReplyMsg', 'canReplyMsgV2');
      from = mark();
      equal('renamed export', (await value('capabilities')).missing, ['sendText', 'sendMedia']);
      equal('sendText -> Degraded', await errorName('sendText', { to: MARIA, body: 'x', key: 'key-drift' }), 'Degraded');
      window.__fake.reset();
      equal('repaired again', (await value('capabilities')).missing, []);
    }],

    ['zombie: freeze / unfreeze', async () => {
      equal('probe while healthy', await value('probe'), true);
      window.__fake.freeze();
      const from = mark();
      const frozenProbe = call('probe');
      equal('probe does not settle while frozen', await race(frozenProbe, 1000), 'timeout');
      const swallowed = window.__fake.receive({ from: MARIA, body: 'lost in the zombie' });
      await sleep(100);
      check('inbound swallowed', !events('message', from).some((d) => d.msg.id._serialized === swallowed));
      equal('state stays CONNECTED', (await value('status')).socketState, 'CONNECTED');
      window.__fake.unfreeze();
      equal('probe after unfreeze', await race(value('probe'), 2000), true);
    }],

    ['socket states, conflict, takeover', async () => {
      let from = mark();
      window.__fake.conflict();
      await nextEvent('conflict', from);
      from = mark();
      equal('takeover', await value('takeover'), true);
      equal('back to CONNECTED', await nextEvent('socket_state', from), { state: 'CONNECTED' });
      check('takeover recorded', window.__fake.calls().some((c) => c.name === 'takeover'));
      from = mark();
      window.__fake.setState('TIMEOUT');
      window.__fake.setState('CONNECTED');
      await sleep(50);
      equal('socket_state TIMEOUT then CONNECTED', events('socket_state', from).map((s) => s.state), ['TIMEOUT', 'CONNECTED']);
      equal('no phase change after ready', events('phase', from), []);
    }],

    ['errors', async () => {
      equal('unknown command', await errorName('nope'), 'BadArgs');
      const raw = await window.__waBridge.call('hello', '{not json');
      equal('malformed args', raw.ok ? 'ok' : raw.error.name, 'BadArgs');
      equal('sendText without key', await errorName('sendText', { to: MARIA, body: 'x' }), 'BadArgs');
      equal('sendText bad to', await errorName('sendText', { to: '5511', body: 'x', key: 'k-bad' }), 'BadArgs');
      equal('mediaPut bad chunk', await errorName('mediaPut', { token: 't', chunk: '***' }), 'BadArgs');
      equal('mediaTake unknown token', await errorName('mediaTake', { token: 'nope', offset: 0, length: 1 }), 'NotFound');
      const thrown = await window.__waBridge.call('hello', undefined);
      check('call without args', thrown.ok, JSON.stringify(thrown));
    }],

    ['outbox when the binding is absent', async () => {
      const binding = window.__waEmit;
      delete window.__waEmit;
      await value('capabilities');
      const queued = (window.__waBridgeOutbox || []).map((text) => JSON.parse(text).type);
      equal('queued in __waBridgeOutbox', queued, ['capabilities']);
      window.__waEmit = binding;
      const from = mark();
      await value('capabilities');
      equal('flushed in order when the binding is back', T.envelopes.slice(from).map((e) => e.type), ['capabilities', 'capabilities']);
      equal('outbox empty', window.__waBridgeOutbox.length, 0);
    }],

    ['idempotent injection', async () => {
      const bridge = window.__waBridge;
      for (const src of ['/assets/wa-adapter-2.3000.js', '/assets/bridge-core.js']) {
        await new Promise((resolve, reject) => {
          const script = document.createElement('script');
          script.src = src;
          script.onload = resolve;
          script.onerror = reject;
          document.head.appendChild(script);
        });
      }
      await sleep(500);
      check('same bridge object', window.__waBridge === bridge);
      equal('one adapter factory', window.__waBridgeAdapters.length, 1);
      const from = mark();
      const id = window.__fake.receive({ from: MARIA, body: 'once' });
      await nextEvent('message', from);
      await sleep(100);
      equal('one message event', events('message', from).filter((d) => d.msg.id._serialized === id).length, 1);
      check('no second phase loading', events('phase').filter((p) => p.phase === 'loading').length === 1);
    }],

    ['envelopes', async () => {
      const epoch = T.envelopes[0].epoch;
      const bad = T.envelopes.filter((e, i) => e.v !== 1 || e.seq !== i + 1 || e.epoch !== epoch || e.t0 !== performance.timeOrigin);
      equal('v=1, seq 1..n, one epoch, t0 = timeOrigin', bad.map((e) => e.seq), []);
      equal('binding always got strings', T.bindingProblems, []);
      equal('no fake handler threw', window.__fake.errors(), []);
      const logs = events('log').filter((l) => l.level === 'error');
      equal('no error logs', logs, []);
    }],

    ['logout', async () => {
      const follow = new URLSearchParams(location.search).get('follow') === '1';
      let destination = null;
      if (!follow) {
        navigation.addEventListener('navigate', (event) => {
          destination = event.destination.url;
          event.preventDefault();
        }, { once: true });
      }
      const from = mark();
      window.__fake.logout('user');
      const out = await nextEvent('logged_out', from);
      equal('logged_out once', [out, events('logged_out', from).length], [{ reason: 'user' }, 1]);
      equal('saved login cleared', localStorage.getItem('fake-wa-session'), null);
      if (follow) {
        sessionStorage.setItem(RESULTS_KEY, JSON.stringify(results));
        return; // the fake navigates to ?post_logout=1 now; phase B continues there
      }
      const target = new URL(await waitFor(() => destination, 'the logout navigation'));
      const q = target.searchParams;
      equal('navigates to ?post_logout=1 keeping the settings',
        [target.pathname, q.get('post_logout'), q.get('timeScale'), q.get('autoAck'), q.get('strictSignatures'), q.get('qrRefs')],
        [location.pathname, '1', '0.01', '1', '1', '6']);
    }],
  ];

  // ------------------------------------------------------------ phase B scenarios

  const PHASE_B = [
    ['after logout: post_logout page', async () => {
      equal('logged_out post_logout at start', events('logged_out'), [{ reason: 'post_logout' }]);
      equal('the fake kept the settings', window.__fake.settings().timeScale, 0.01);
      equal('saved login gone', localStorage.getItem('fake-wa-session'), null);
      await waitFor(() => window.Debug && window.Debug.VERSION, 'Debug.VERSION');
      await sleep(500);
      equal('core waits for an adapter', (await value('hello')).adapter, null);
      equal('status without an adapter', await value('status'), { phase: 'loading', socketState: null, me: null });
      equal('adapter commands -> NotReady', await errorName('sendText', { to: MARIA, body: 'x', key: 'b-1' }), 'NotReady');
      const from = mark();
      const script = document.createElement('script');
      script.src = '/assets/wa-adapter-2.3000.js';
      document.head.appendChild(script);
      const qr = await nextEvent('qr', from, undefined, 5000);
      equal('QR again after logout', qr, { payload: qrPayload(1), seq: 1 });
      equal('hello names the adapter', (await value('hello')).adapter, 'wa-adapter-2.3000');
      check('DOM: div[data-ref] again', document.querySelector('div[data-ref]'));
      check('no ready', events('ready').length === 0);
      if (results.some((line) => line.includes('sendText'))) {
        const keys = JSON.parse(localStorage.getItem('__waBridge.sent')).map((e) => e[0]);
        check('idempotency map survives the navigation', keys.includes('key-1'), JSON.stringify(keys));
      }
    }],
  ];

  // ------------------------------------------------------------ phase R scenarios

  const PHASE_R = [
    ['restart on a saved login: ready without a QR', async () => {
      const ready = await nextEvent('ready', 0, undefined, 5000);
      equal('ready', [ready.me, ready.pushname], [ME, 'Restarted Agent']);
      equal('no QR', events('qr'), []);
      equal('phases', events('phase').map((p) => p.phase), ['loading', 'booting', 'syncing', 'ready']);
      check('no logged_out', events('logged_out').length === 0);
      const result = await value('sendText', { to: MARIA, body: 'after restart', key: 'r-1' });
      equal('send after restart', window.__fake.sent().map((s) => s.id), [result.id]);
      equal('saved login kept', JSON.parse(localStorage.getItem('fake-wa-session')).me, ME);
      equal('no fake handler threw', window.__fake.errors(), []);
    }],
  ];

  const SCENARIO_TIMEOUT_MS = 10000;

  async function run(scenarios) {
    // Under --virtual-time-budget, off-thread work (blob reads, audio decoding) does not hold
    // virtual time: it jumps to the next timer. A short heartbeat keeps those jumps small.
    const heartbeat = setInterval(() => {}, 5);
    for (const [name, scenario] of scenarios) {
      try {
        const outcome = await race(scenario(), SCENARIO_TIMEOUT_MS);
        if (outcome === 'timeout') throw new Error(`did not finish within ${SCENARIO_TIMEOUT_MS} ms`);
      } catch (err) {
        report(false, name, err && err.stack ? err.stack.split('\n').slice(0, 3).join(' | ') : String(err));
      }
    }
    clearInterval(heartbeat);
    results.push(`NOTE virtual ms used: ${Math.round(performance.now())}`);
    render();
  }

  render();
  run({ A: PHASE_A, B: PHASE_B, R: PHASE_R }[T.phase]);
})();
