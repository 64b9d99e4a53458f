// Preloaded into the runner by the benchmarks (NODE_OPTIONS=--require): writes the process's peak
// resident set size to RSS_PROBE_FILE when it exits. Not part of the tool.
//
// Linux keeps getrusage's maxRSS across fork and exec, so a child spawned by a large parent (the
// benchmark, holding its seed data) would report the parent's peak. VmHWM in /proc/self/status
// belongs to the process's own memory map, which exec starts afresh: that is the one to read.
const fs = require('node:fs');

function peakRss() {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

process.on('exit', () => {
  const file = process.env.RSS_PROBE_FILE;
  if (file) fs.writeFileSync(file, String(peakRss()));
});
