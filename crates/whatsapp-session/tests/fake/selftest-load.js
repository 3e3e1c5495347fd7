/*
 * selftest-load.js: runs after the fake. Applies fast settings, then loads the bridge.
 * Phases A and R load adapter then core (the host's order). Phase B loads only the core here;
 * the selftest injects the adapter later, once WhatsApp is injectable (the other order).
 */
(function () {
  'use strict';

  window.__fake.config({ timeScale: 0.01, autoAck: true, strictSignatures: true });
  const scripts =
    window.__selftest.phase === 'B'
      ? ['/assets/bridge-core.js']
      : ['/assets/wa-adapter-2.3000.js', '/assets/bridge-core.js'];
  scripts.push('/tests/fake/selftest.js');
  // Parser-inserted, so they run in this order before the page finishes parsing.
  for (const src of scripts) document.write(`<script src="${src}"><\/script>`);
})();
