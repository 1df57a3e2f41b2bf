// Debian's Chromium, headless, through Playwright's driver, as every wall
// test starts it: no sandbox (root in a namespace), no GPU, and nothing
// that would reach out of the machine (QUIC, background networking,
// component updates, sync).
"use strict";
const { chromium } = require("playwright-core");

exports.launch = () => chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync"],
});
