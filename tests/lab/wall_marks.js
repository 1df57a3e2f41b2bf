// What the wall display shows, read in headless Chromium (Playwright): the
// page is loaded, and this waits until an element the wall draws (a CSS
// selector) is visible with text matching a pattern, then prints it and
// takes a screenshot.  Used for the markers a NOC must not miss: the
// header's "N notifications NOT delivered" and an incident's "SLA
// BREACHED".
//
//   seen MS TEXT       the element showed TEXT (MS: the browser's clock)
//   error WHY          not within the time given
//
// usage: node wall_marks.js URL SELECTOR REGEX SCREENSHOT [TIMEOUT-S]
// (NODE_PATH must hold playwright-core; Chromium is Debian's.)
"use strict";
const { launch } = require("./chromium.js");

const [url, selector, pattern, shot, limit] = process.argv.slice(2);

function say(line) { process.stdout.write(line + "\n"); }

(async () => {
  const browser = await launch();
  let code = 1;
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(url);
    const h = await page.waitForFunction(([sel, re]) => {
      for (const e of document.querySelectorAll(sel)) {
        // Visible: not hidden, and laid out with a size.
        if (!e.hidden && e.offsetWidth > 0 && e.offsetHeight > 0 &&
            new RegExp(re).test(e.textContent))
          return e.textContent;
      }
      return null;
    }, [selector, pattern], { timeout: 1000 * Number(limit || 30), polling: 100 });
    say("seen " + Date.now() + " " + await h.jsonValue());
    await page.screenshot({ path: shot + "-1920x1080.png" });
    code = 0;
  } catch (e) {
    say("error " + e.message.split("\n")[0]);
  } finally {
    await browser.close();
  }
  process.exit(code);
})();
