// The wall display followed live in headless Chromium (Playwright): the
// page is loaded once, then a lab fault happens elsewhere; this prints when
// the wall showed it, without any reload.  One line per event, each with
// the browser's clock (ms since the epoch):
//
//   ready MS                 the page is up and shows SITE up
//   down MS navigations=N    SITE's tile turned red (N: page loads so far)
//   banner MS TEXT           a P1 banner appeared (its text)
//   up MS navigations=N      SITE's tile was green again
//
// usage: node wall_live.js URL SITE SCREENSHOT-PREFIX [TIMEOUT-S]
// (NODE_PATH must hold playwright-core; Chromium is Debian's.)
"use strict";
const { launch } = require("./chromium.js");

const [url, site, shot, limit] = process.argv.slice(2);
const deadline = Date.now() + 1000 * Number(limit || 120);

function say(line) { process.stdout.write(line + "\n"); }

async function waitFor(page, fn, arg) {
  const left = deadline - Date.now();
  if (left <= 0) throw new Error("timed out");
  return page.waitForFunction(fn, arg, { timeout: left, polling: 100 });
}

(async () => {
  const browser = await launch();
  let code = 1;
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    let navigations = 0;
    page.on("framenavigated", f => { if (f === page.mainFrame()) navigations++; });
    // Count the states the page's event stream delivers.
    await page.addInitScript(() => {
      const ES = window.EventSource;
      window.__states = 0;
      window.EventSource = function (u, o) {
        const es = new ES(u, o);
        es.addEventListener("state", () => { window.__states++; });
        return es;
      };
    });
    await page.goto(url);
    // Each change of the tile's state and of the banner is stamped in the
    // page the moment the DOM shows it.
    await page.evaluate(site => {
      window.__seen = {};
      const stamp = () => {
        const t = document.querySelector('.tile[data-site="' + site + '"]');
        if (t && !window.__seen[t.dataset.state]) window.__seen[t.dataset.state] = Date.now();
        const b = document.querySelector("#banner .incident.P1");
        if (b && !window.__seen.banner) {
          window.__seen.banner = Date.now();
          window.__seen.bannerText = b.textContent;
        }
      };
      new MutationObserver(stamp).observe(document.body,
        { subtree: true, childList: true, attributes: true, characterData: true });
      stamp();
    }, site);
    await waitFor(page, s => {
      const t = document.querySelector('.tile[data-site="' + s + '"]');
      return t && t.dataset.state === "up";
    }, site);
    // The event stream opens a moment after the first paint: wait for it
    // to have delivered a state, so the fault is seen through it.
    await waitFor(page, () => window.__states > 0);
    await page.evaluate(() => { window.__seen = {}; });
    say("ready " + Date.now());
    await waitFor(page, () => window.__seen.down);
    say("down " + await page.evaluate(() => window.__seen.down) + " navigations=" + navigations);
    await waitFor(page, () => window.__seen.banner);
    say("banner " + await page.evaluate(() => window.__seen.banner) + " " +
      await page.evaluate(() => window.__seen.bannerText));
    await page.screenshot({ path: shot + "-1920x1080.png" });
    await page.evaluate(() => { delete window.__seen.up; });
    await waitFor(page, () => window.__seen.up);
    say("up " + await page.evaluate(() => window.__seen.up) + " navigations=" + navigations);
    code = 0;
  } catch (e) {
    say("error " + e.message.split("\n")[0]);
  } finally {
    await browser.close();
  }
  process.exit(code);
})();
