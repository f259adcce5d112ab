// The browser loads htm's ES module from /console/vendor/htm/htm.module.js (whitelisted by
// src/server/console-web.ts); its types are the package's own.
import htm from 'htm';
export default htm;
