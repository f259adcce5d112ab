// The browser loads preact's ES module from /console/vendor/preact/preact.module.js (whitelisted by
// src/server/console-web.ts); its types are the package's own.
export * from 'preact';
