'use strict';
// Preloaded into the runner by the benchmark (NODE_OPTIONS=--require): writes the process's peak
// resident set size to RSS_PROBE_FILE when it exits. Not part of the tool.
process.on('exit', () => {
  const file = process.env.RSS_PROBE_FILE;
  if (file) require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});
