// The NOC wall display.  The first state comes from /api/v1/state, then
// live state arrives as server-sent events from /api/v1/events (one
// "state" event whenever sites or open incidents change); every device string is put in the page with textContent, never
// as HTML.  A read token can be given as ?token=... in the page's URL, and
// the graphs' span as ?period=1h (1h, 6h, 1d, 7d, 1m or 1y; 6h by default),
// and the tiles' grouping as ?group=tag:PREFIX (by datacentre by default).
"use strict";

const params = new URLSearchParams(location.search);
const token = params.get("token");
const q = token ? "?token=" + encodeURIComponent(token) : "";
const qa = token ? "&token=" + encodeURIComponent(token) : "";
const period = ["1h", "6h", "1d", "7d", "1m", "1y"].includes(params.get("period")) ?
  params.get("period") : "6h";
let lastState = null;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function plural(n, what) { return n + " " + what + (n === 1 ? "" : "s"); }

function fmtDuration(s) {
  const neg = s < 0;
  s = Math.abs(Math.round(s));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const t = (h ? h + "h " : "") + String(m).padStart(h ? 2 : 1, "0") + "m " +
    String(r).padStart(2, "0") + "s";
  return neg ? "-" + t : t;
}

function renderBanner(incidents) {
  const b = document.getElementById("banner");
  b.replaceChildren();
  const now = Date.now();
  const big = incidents.filter(i => (i.priority === "P1" || i.priority === "P2") &&
    i.state !== "resolved");
  for (const i of big) {
    const d = el("div", "incident " + i.priority);
    d.dataset.id = i.id;
    d.appendChild(el("span", "prio", i.priority));
    d.appendChild(el("span", "cause", i.cause));
    d.appendChild(el("span", "title", i.title));
    d.appendChild(el("span", "sites", i.sites.join(", ")));
    const opened = Date.parse(i.opened_at);
    const due = i.sla_resolve_by ? Date.parse(i.sla_resolve_by) : null;
    const breached = (i.sla_breached || []).length > 0;
    const sla = el("span", breached ? "sla breached" : "sla", "open " +
      fmtDuration((now - opened) / 1000) +
      (breached ? " · SLA BREACHED (" + i.sla_breached.join(", ") + ")" :
        due ? " · SLA " + fmtDuration((due - now) / 1000) + " left" : "") +
      (i.state === "acknowledged" ? " · ack" : ""));
    d.appendChild(sla);
    b.appendChild(d);
  }
  b.hidden = big.length === 0;
}

function renderSites(sites, incidents) {
  const root = document.getElementById("sites");
  root.replaceChildren();
  // Group: each datacentre with the remote sites hanging off it, also
  // through hub sites (a spoke behind a hub goes with the hub's datacentre).
  const byName = new Map(sites.map(s => [s.name, s]));
  const groupOf = s => {
    let x = s, hops = 0;
    while (x.kind !== "datacentre" && x.parent && byName.has(x.parent) &&
      hops++ < sites.length) x = byName.get(x.parent);
    return x.kind === "datacentre" || x !== s ? x.name : "other";
  };
  // ?group=tag:PREFIX groups by the first tag with that prefix instead
  // (boroughs, councils: ?group=tag:council-).
  const tagPrefix = (params.get("group") || "").startsWith("tag:") ?
    params.get("group").slice(4) : null;
  const byTag = s => (s.tags || []).find(t => t.startsWith(tagPrefix)) || "other";
  const groups = new Map();
  for (const s of sites) {
    const g = tagPrefix !== null ? byTag(s) : groupOf(s);
    if (!groups.has(g)) groups.set(g, []);
    if (s.kind === "datacentre") groups.get(g).unshift(s); else groups.get(g).push(s);
  }
  for (const [name, list] of groups) {
    const g = el("div", "group");
    g.dataset.group = name;
    g.appendChild(el("h2", null, name));
    const tiles = el("div", "tiles");
    for (const s of list) {
      const t = el("div", "tile " + s.state);
      t.dataset.site = s.name;
      t.dataset.state = s.state;
      t.appendChild(el("span", "name", s.name));
      let detail = s.state;
      if (s.devices_down > 0) detail += " · " + s.devices_down + "/" + s.devices_total + " down";
      const inc = incidents.find(i => i.sites.includes(s.name) && i.state !== "resolved");
      if (inc) detail += " · " + inc.cause;
      t.appendChild(el("span", "detail", detail));
      if (s.aps_total) {
        const up = s.aps_total - s.aps_down;
        t.appendChild(el("span", "aps" + (up < s.aps_total ? " short" : ""),
          "Wi-Fi " + up + "/" + s.aps_total + " APs"));
      }
      if (inc) t.appendChild(el("span", "why", inc.title));
      tiles.appendChild(t);
    }
    g.appendChild(tiles);
    root.appendChild(g);
  }
}

function render(state) {
  lastState = state;
  const sites = state.sites || [], incidents = state.incidents || [];
  renderBanner(incidents);
  renderSites(sites, incidents);
  const dl = document.getElementById("deadletters");
  dl.hidden = !(state.dead_letters > 0);
  dl.textContent = state.dead_letters > 0 ? plural(state.dead_letters,
    "notification") + " NOT delivered (nocwatch outbox list)" : "";
  const count = k => sites.filter(s => s.state === k).length;
  document.getElementById("summary").textContent =
    sites.length + " sites: " + count("up") + " up, " + count("degraded") + " degraded, " +
    count("down") + " down, " + count("maintenance") + " in maintenance · " +
    plural(incidents.filter(i => i.state !== "resolved").length, "open incident");
  document.getElementById("status").textContent = "updated " + new Date().toISOString();
}

async function loadGraphs() {
  try {
    const r = await fetch("/api/v1/wall" + q);
    if (!r.ok) return;
    const list = await r.json();
    const g = document.getElementById("graphs");
    g.replaceChildren();
    for (const x of list.slice(0, 6)) {
      const f = el("figure");
      const img = el("img");
      img.alt = x.title;
      img.src = "/graph/" + encodeURIComponent(x.device) + "/" +
        encodeURIComponent(x.metric) + ".png?period=" + period + "&theme=dark" + qa +
        "&t=" + Date.now();
      f.appendChild(img);
      f.appendChild(el("figcaption", null, x.title));
      g.appendChild(f);
    }
  } catch (e) { /* the next round tries again */ }
}

function connect() {
  const es = new EventSource("/api/v1/events" + q);
  es.addEventListener("state", ev => render(JSON.parse(ev.data)));
  es.onerror = () => {
    document.getElementById("status").textContent = "reconnecting…";
  };
}

setInterval(() => {
  document.getElementById("clock").textContent = new Date().toISOString().slice(11, 19) + " UTC";
  if (lastState) renderBanner(lastState.incidents || []);
}, 1000);
// The first paint comes from one plain request; the stream, which sends
// the whole state again as soon as it opens, takes over a moment later.
async function first() {
  try {
    const r = await fetch("/api/v1/state" + q);
    if (r.ok) render(await r.json());
    else document.getElementById("status").textContent = "API answered " + r.status;
  } catch (e) { /* the stream will bring it */ }
  setTimeout(connect, 3000);
}
first();
loadGraphs();
setInterval(loadGraphs, 60000);
