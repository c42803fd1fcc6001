// The report page's script, part 1 of 6: DOM helpers, the data and its indexes, filters.
// src/report/html.rs joins the files of this folder in order inside one function (nothing
// is global) and hashes the result for the Content-Security-Policy.
//
// Everything in the data comes from a hostile dump: it only ever reaches the DOM as text
// (textContent, text nodes, setAttribute of non-event attributes). No HTML parsing of data,
// no inline handlers, no network.

const t0 = performance.now();
// Milliseconds spent in each step of the first render, for benchmarks (data-timings).
const timings = {};
let lastMark = t0;
function mark(name) {
  const now = performance.now();
  timings[name] = Math.round(now - lastMark);
  lastMark = now;
}
const doc = document;
const root = doc.documentElement;
let cspViolations = 0;
doc.addEventListener('securitypolicyviolation', function () {
  cspViolations += 1;
  root.setAttribute('data-csp-violations', String(cspViolations));
});

// ---------------------------------------------------------------- DOM helpers

function setAttr(node, name, value) {
  if (value === undefined || value === null || value === false) return;
  if (/^on/i.test(name)) throw new Error('event attributes are not allowed');
  if (name === 'class') node.setAttribute('class', String(value));
  else node.setAttribute(name, value === true ? '' : String(value));
}

function add(node, kids) {
  for (const kid of kids) {
    if (kid === null || kid === undefined || kid === false) continue;
    if (Array.isArray(kid)) add(node, kid);
    else if (kid instanceof Node) node.appendChild(kid);
    else node.appendChild(doc.createTextNode(String(kid)));
  }
  return node;
}

function el(tag, attrs) {
  const node = doc.createElement(tag);
  if (attrs) for (const k of Object.keys(attrs)) setAttr(node, k, attrs[k]);
  return add(node, Array.prototype.slice.call(arguments, 2));
}

const SVGNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs) {
  const node = doc.createElementNS(SVGNS, tag);
  if (attrs) for (const k of Object.keys(attrs)) setAttr(node, k, attrs[k]);
  return add(node, Array.prototype.slice.call(arguments, 2));
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

function plural(n, one, many) {
  return n.toLocaleString('en') + ' ' + (n === 1 ? one : many || one + 's');
}
// "13 items with findings": the noun of a list, singular and plural.
function counted(n, noun) {
  return Array.isArray(noun) ? plural(n, noun[0], noun[1]) : plural(n, noun);
}

function num(n) {
  return Number(n || 0).toLocaleString('en');
}

function bytes(n) {
  if (n < 1024) return n + ' B';
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u += 1; }
  return v.toFixed(v < 10 ? 1 : 0) + ' ' + units[u];
}

function duration(seconds) {
  const s = Math.abs(seconds);
  if (s < 120) return s + ' s';
  if (s < 3600) return Math.round(s / 60) + ' min';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
  const d = Math.floor(s / 86400);
  return d + (d === 1 ? ' day ' : ' days ') + Math.round((s % 86400) / 3600) + ' h';
}

// ---------------------------------------------------------------- the data

const app = doc.getElementById('app');
let D;
try {
  const text = doc.getElementById('data').textContent;
  mark('read');
  D = JSON.parse(text);
  mark('parse');
} catch (err) {
  D = null;
}
if (!D || !Array.isArray(D.items)) {
  clear(app).appendChild(el('p', { class: 'loading' }, 'The report data could not be read.'));
  throw new Error('leakprov: the embedded report data is missing or not JSON');
}
// Undo the string table (strings that repeat across items are stored once): the items of
// the first screen now, all of them once it is painted (decodeAll).
const S = Array.isArray(D.strings) ? D.strings : [];
function str(v) { return typeof v === 'number' ? S[v] : v; }
const INTERNED = ['src', 'f', 'fa', 'o', 'cl', 'cf', 'md', 'mf', 'bf'];
function decodeItem(it) {
  if (typeof it.k !== 'number') return it;
  it.k = str(it.k);
  const e = it.e;
  if (!e) return it;
  for (const key of INTERNED) if (e[key] !== undefined) e[key] = str(e[key]);
  if (Array.isArray(e.t)) e.t = e.t.map(str);
  if (Array.isArray(e.fp)) {
    const fp = {};
    for (let k = 0; k + 1 < e.fp.length; k += 2) fp[str(e.fp[k])] = str(e.fp[k + 1]);
    e.fp = fp;
  }
  return it;
}
function decodeAll() {
  for (const it of D.items) decodeItem(it);
}
for (const r of D.ranked || []) if (D.items[r[0]]) decodeItem(D.items[r[0]]);
mark('strings');
const items = D.items;
const findings = D.findings || [];
const checks = D.checks || [];
const sections = D.sections || {};
const N = items.length;
const SEVERITIES = ['high', 'medium', 'low', 'info'];
const SEV_RANK = { high: 3, medium: 2, low: 1, info: 0 };

// Per item: findings, score and rank (only items with findings have them).
const findingsOf = new Map();
findings.forEach(function (f, fi) {
  let list = findingsOf.get(f.i);
  if (!list) findingsOf.set(f.i, (list = []));
  list.push(fi);
});
const scoreOf = new Map();
const rankOf = new Map();
const rankedItems = [];
(D.ranked || []).forEach(function (r, pos) {
  scoreOf.set(r[0], r[1]);
  rankOf.set(r[0], pos + 1);
  rankedItems.push(r[0]);
});
function flagged(i) { return (scoreOf.get(i) || 0) > 0; }
function maxSeverity(i) {
  let best = null;
  for (const fi of findingsOf.get(i) || []) {
    const v = findings[fi].v;
    if (best === null || SEV_RANK[v] > SEV_RANK[best]) best = v;
  }
  return best;
}
function checksOf(i) {
  const ids = [];
  for (const fi of findingsOf.get(i) || []) {
    if (ids.indexOf(findings[fi].c) < 0) ids.push(findings[fi].c);
  }
  return ids;
}

function keyOf(i) { return items[i].p + '|' + (items[i].l || ''); }
let keyIndex = null;
function indexOfKey(key) {
  if (!keyIndex) {
    keyIndex = new Map();
    for (let i = 0; i < N; i++) keyIndex.set(keyOf(i), i);
  }
  return keyIndex.has(key) ? keyIndex.get(key) : -1;
}

// Lazily built indexes over all items.
const memo = {};
function lazy(name, build) {
  if (!(name in memo)) memo[name] = build();
  return memo[name];
}
function multiIndex(value) {
  const map = new Map();
  for (let i = 0; i < N; i++) {
    const v = value(items[i]);
    if (v === undefined || v === null || v === '') continue;
    let list = map.get(v);
    if (!list) map.set(v, (list = []));
    list.push(i);
  }
  return map;
}
function bySha() { return lazy('sha', function () { return multiIndex(function (it) { return it.h; }); }); }
function byMessageId() { return lazy('mid', function () { return multiIndex(function (it) { return it.e && it.e.m; }); }); }
function byReplyTo() { return lazy('irt', function () { return multiIndex(function (it) { return it.e && it.e.r; }); }); }

// Findings on other items whose evidence names an item: (finding, evidence key) by item key.
const mentions = lazy('mentions', function () {
  const map = new Map();
  findings.forEach(function (f, fi) {
    walkRefs(f.e, '', function (key, ref) {
      const k = ref.path + '|' + (ref.locator || '');
      let list = map.get(k);
      if (!list) map.set(k, (list = []));
      if (!list.some(function (m) { return m[0] === fi; })) list.push([fi, key]);
    });
  });
  return map;
});

function isRef(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.path === 'string' &&
    (v.locator === undefined || v.locator === null || typeof v.locator === 'string');
}
function walkRefs(value, key, visit) {
  if (Array.isArray(value)) {
    for (const v of value) walkRefs(v, key, visit);
  } else if (value !== null && typeof value === 'object') {
    if (isRef(value)) visit(key, value);
    for (const k of Object.keys(value)) {
      if (k !== 'path' && k !== 'locator') walkRefs(value[k], key || k, visit);
    }
  }
}

// The message an item is or is inside (an attachment's message), or -1.
const messageCache = new Map();
function messageOf(i) {
  if (items[i].e) return i;
  if (messageCache.has(i)) return messageCache.get(i);
  let m = -1;
  let l = items[i].l || '';
  while (l) {
    const cut = l.lastIndexOf('/');
    l = cut < 0 ? '' : l.slice(0, cut);
    const j = indexOfKey(items[i].p + '|' + l);
    if (j >= 0 && items[j].e) { m = j; decodeItem(items[j]); break; }
  }
  messageCache.set(i, m);
  return m;
}

function senderKey(e) {
  if (!e) return '';
  if (e.fa) return e.fa;
  return e.f ? e.f.toLowerCase() : '(no sender)';
}

function dayOf(i) {
  const e = items[i].e;
  if (!e || typeof e.u !== 'string' || !/^\d{4}-\d\d-\d\d/.test(e.u)) return '';
  return e.u.slice(0, 10);
}
function dayNum(day) {
  return Math.round(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / 864e5);
}
function dayStr(n) {
  return new Date(n * 864e5).toISOString().slice(0, 10);
}
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// The Date as its writer's clock showed it: "2017-05-02 10:41 +0200".
function shownDate(e) {
  if (!e) return '';
  if (typeof e.u === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(e.u)) {
    const m = /^([+-])(\d\d)(\d\d)$/.exec(e.o || '');
    const offset = m ? (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +m[3]) : 0;
    const local = new Date(Date.parse(e.u) + offset * 60000);
    if (!isNaN(local.getTime())) {
      return local.toISOString().slice(0, 16).replace('T', ' ') + ' ' + (m ? e.o : 'UTC');
    }
  }
  return e.d || '';
}

// ---------------------------------------------------------------- state and filters

const state = {
  sev: new Set(SEVERITIES),
  check: '',
  sender: '',
  q: '',
  from: '',
  to: '',
  kind: ''
};
// Lists refreshed when the filters change, besides the ranked list and all items.
const lists = [];
let kindSel = null;
let haystack = null;
function hay(i) {
  if (!haystack) haystack = new Array(N);
  let h = haystack[i];
  if (h === undefined) {
    const it = items[i];
    const e = it.e || {};
    const parts = [it.p, it.l, it.k, it.h, it.fn, e.f, e.s, e.m, e.cl, e.d];
    if (e.t) parts.push(e.t.join(' '));
    for (const fi of findingsOf.get(i) || []) parts.push(findings[fi].c, findings[fi].m);
    h = parts.filter(Boolean).join('\n').toLowerCase();
    haystack[i] = h;
  }
  return h;
}
function passesCommon(i) {
  if (state.sender) {
    const e = items[i].e;
    if (!e) return false;
    const key = senderKey(e);
    if (key !== state.sender && (e.f || '').toLowerCase().indexOf(state.sender) < 0) return false;
  }
  if (state.from || state.to) {
    const day = dayOf(i);
    if (!day) return false;
    if (state.from && day < state.from) return false;
    if (state.to && day > state.to) return false;
  }
  if (state.q && hay(i).indexOf(state.q) < 0) return false;
  return true;
}
function passesFindings(i) {
  if (state.sev.size === SEVERITIES.length && !state.check) return true;
  for (const fi of findingsOf.get(i) || []) {
    const f = findings[fi];
    if (state.sev.has(f.v) && (!state.check || f.c === state.check)) return true;
  }
  return false;
}
function filtersActive() {
  return state.sev.size !== SEVERITIES.length || state.check || state.sender || state.q || state.from || state.to || state.kind;
}
