/*
 * selftest-prelude.js: runs before the fake. Collects the bridge's envelopes through a stand-in
 * for the host's CDP binding, and prepares storage for the phase:
 * - A (default): a fresh run, storage cleared;
 * - B (`post_logout=1`): the page the fake navigates to after `__fake.logout()`;
 * - R (`restart=1`): a restart on a profile with a saved login.
 */
(function () {
  'use strict';

  const query = new URLSearchParams(location.search);
  const phase = query.get('post_logout') === '1' ? 'B' : query.get('restart') === '1' ? 'R' : 'A';
  if (phase !== 'B') {
    localStorage.clear();
    sessionStorage.clear();
  }
  if (phase === 'R') {
    const saved = { me: '5511888880000@c.us', lid: null, pushname: 'Restarted Agent' };
    localStorage.setItem('fake-wa-session', JSON.stringify(saved));
  }

  const envelopes = [];
  const bindingProblems = [];
  window.__selftest = { phase, envelopes, bindingProblems };
  window.__waEmit = function (text) {
    if (typeof text !== 'string') {
      bindingProblems.push(`non-string payload: ${typeof text}`);
      return;
    }
    envelopes.push(JSON.parse(text));
  };
})();
