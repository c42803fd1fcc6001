// leakprov report: renders the JSON embedded in #data. Everything in the data
// comes from a hostile dump: it only ever reaches the DOM as text
// (textContent, createTextNode, setAttribute of non-event attributes).
// No HTML parsing of data, no inline handlers, no network.
'use strict';
(function () {
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
    return;
  }
  // Undo the string table (strings that repeat across items are stored once).
  const S = Array.isArray(D.strings) ? D.strings : [];
  function str(v) { return typeof v === 'number' ? S[v] : v; }
  const INTERNED = ['src', 'f', 'fa', 'o', 'cl', 'cf', 'md', 'mf', 'bf'];
  for (const it of D.items) {
    it.k = str(it.k);
    const e = it.e;
    if (!e) continue;
    for (const key of INTERNED) if (e[key] !== undefined) e[key] = str(e[key]);
    if (Array.isArray(e.t)) e.t = e.t.map(str);
  }
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

  // ---------------------------------------------------------------- pieces

  function sevBadge(v) {
    return v ? el('span', { class: 'badge sev-' + v }, v) : '';
  }

  function itemHref(path, locator) {
    return '#item=' + encodeURIComponent(path + '|' + (locator || ''));
  }

  function where(path, locator) {
    return [el('span', { class: 'path' }, path), locator ? el('span', { class: 'loc' }, locator) : null];
  }

  function itemLink(path, locator) {
    return el('a', { href: itemHref(path, locator), class: 'itemlink', title: path + (locator ? ' ' + locator : '') },
      where(path, locator));
  }

  function linkTo(i) { return itemLink(items[i].p, items[i].l); }

  function itemLabel(i) {
    const it = items[i];
    if (it.e) return it.e.s || '(no subject)';
    if (it.fn) return it.fn;
    if (it.doc && it.doc.title) return it.doc.title;
    return it.p.split('/').pop();
  }

  function describe(i) {
    const it = items[i];
    const e = it.e;
    return el('span', { class: 'describe' },
      el('span', { class: 'kind' }, it.k),
      ' ',
      e ? [el('b', null, e.s || '(no subject)'), e.f ? [' — ', e.f] : null] : itemLabel(i),
      ' ', el('span', { class: 'muted' }, shownDate(e)));
  }

  function checkLink(id) {
    return el('a', { href: '#check-' + id, class: 'check' }, id);
  }

  // Minimal Markdown for the check catalogue: paragraphs, "- " lists, `code`, **bold**, *em*.
  function markdown(text) {
    const out = el('div', { class: 'md' });
    for (const block of String(text).split(/\n\s*\n/)) {
      const lines = block.split('\n');
      if (lines.every(function (l) { return /^\s*- /.test(l) || /^\s{2,}\S/.test(l); }) && /^\s*- /.test(lines[0])) {
        const ul = el('ul');
        let li = null;
        for (const line of lines) {
          if (/^\s*- /.test(line)) { li = el('li'); ul.appendChild(li); inline(li, line.replace(/^\s*- /, '')); }
          else if (li) inline(li, ' ' + line.trim());
        }
        out.appendChild(ul);
      } else {
        const p = el('p');
        inline(p, lines.join(' '));
        out.appendChild(p);
      }
    }
    return out;
  }
  function inline(node, text) {
    const re = /(`[^`]+`|\*\*[^*]+\*\*|\*[^*\s][^*]*\*)/g;
    let last = 0;
    let m;
    while ((m = re.exec(text))) {
      if (m.index > last) node.appendChild(doc.createTextNode(text.slice(last, m.index)));
      const tok = m[0];
      if (tok[0] === '`') node.appendChild(el('code', null, tok.slice(1, -1)));
      else if (tok.slice(0, 2) === '**') node.appendChild(el('strong', null, tok.slice(2, -2)));
      else node.appendChild(el('em', null, tok.slice(1, -1)));
      last = re.lastIndex;
    }
    if (last < text.length) node.appendChild(doc.createTextNode(text.slice(last)));
  }

  // Any JSON value from the report, as text.
  function value(v, key) {
    if (v === null || v === undefined) return el('i', { class: 'muted' }, 'none');
    if (typeof v === 'string') {
      if (/diff$/.test(key || '')) return diffLine(v);
      return v.length > 70 || /[\n\t]/.test(v) || /^[A-Za-z-]+: /.test(v) ? el('pre', { class: 'raw' }, v) : el('span', { class: 'val' }, v);
    }
    if (typeof v === 'number') {
      if (/_seconds$/.test(key || '')) return el('span', { class: 'val' }, num(v), el('span', { class: 'muted' }, ' (' + (v < 0 ? '−' : '') + duration(v) + ')'));
      return el('span', { class: 'val' }, num(v));
    }
    if (typeof v === 'boolean') return el('span', { class: 'val' }, v ? 'yes' : 'no');
    if (Array.isArray(v)) {
      if (v.length === 0) return el('i', { class: 'muted' }, 'none');
      if (/diff$/.test(key || '')) return el('div', { class: 'diff' }, v.map(function (x) { return diffLine(String(x)); }));
      if (v.every(function (x) { return typeof x === 'string' && x.length < 40 && !/^[A-Za-z-]+: /.test(x); })) {
        return el('span', { class: 'val' }, v.join(', '));
      }
      return el('ol', { class: 'values' }, v.slice(0, 200).map(function (x) { return el('li', null, value(x, key)); }),
        v.length > 200 ? el('li', { class: 'muted' }, '… ' + (v.length - 200) + ' more') : null);
    }
    if (typeof v === 'object') {
      if (isRef(v)) {
        const rest = Object.keys(v).filter(function (k) { return k !== 'path' && k !== 'locator'; });
        return el('span', null, itemLink(v.path, v.locator),
          rest.length ? table(rest.map(function (k) { return [k, v[k]]; }), 'nested') : null);
      }
      return table(Object.keys(v).map(function (k) { return [k, v[k]]; }), 'nested');
    }
    return el('span', { class: 'val' }, String(v));
  }
  function diffLine(line) {
    const cls = line[0] === '-' ? 'del' : line[0] === '+' ? 'ins' : '';
    return el('pre', { class: 'raw ' + cls }, line);
  }
  function table(rows, cls) {
    return el('table', { class: cls || 'kv' }, rows.map(function (r) {
      return el('tr', null, el('th', null, r[0].replace(/_/g, ' ')), el('td', null, value(r[1], r[0])));
    }));
  }

  // A sortable, paginated table of rows (item indices or other values).
  function ListView(opts) {
    const v = {
      page: 0,
      size: opts.pageSize || 100,
      sort: null,
      rows: [],
      expanded: new Set(),
      printing: false,
      trOf: new Map(),
      node: el('div', { class: 'listview' })
    };
    const head = el('tr');
    const thead = el('thead', null, head);
    const tbody = el('tbody');
    const tableNode = el('table', { class: 'list ' + (opts.cls || '') }, thead, tbody);
    const pager = el('div', { class: 'pager' });
    const status = el('p', { class: 'status' });
    const rowOf = new WeakMap();
    v.node.appendChild(status);
    v.node.appendChild(el('div', { class: 'tablewrap' }, tableNode));
    v.node.appendChild(pager);
    opts.columns.forEach(function (col, ci) {
      const th = el('th', { class: col.cls || null, scope: 'col' });
      if (col.sort) {
        const b = el('button', { type: 'button', class: 'sort', title: 'Sort by ' + col.label.toLowerCase() }, col.label);
        b.addEventListener('click', function () {
          if (v.sort && v.sort.col === ci) v.sort = v.sort.dir === 1 ? { col: ci, dir: -1 } : null;
          else v.sort = { col: ci, dir: col.desc ? -1 : 1 };
          v.page = 0;
          v.refresh();
        });
        th.appendChild(b);
      } else {
        th.appendChild(doc.createTextNode(col.label));
      }
      head.appendChild(th);
    });
    const keyOfRow = opts.key || function (r) { return r; };

    v.refresh = function () {
      let rows = opts.source();
      if (v.sort) {
        const col = opts.columns[v.sort.col];
        const dir = v.sort.dir;
        const keyed = rows.map(function (r, n) { return [col.sort(r), n, r]; });
        keyed.sort(function (a, b) {
          const x = a[0];
          const y = b[0];
          const xe = x === null || x === undefined || x === '';
          const ye = y === null || y === undefined || y === '';
          if (xe || ye) return xe === ye ? a[1] - b[1] : xe ? 1 : -1;
          if (x < y) return -dir;
          if (x > y) return dir;
          return a[1] - b[1];
        });
        rows = keyed.map(function (k) { return k[2]; });
      }
      v.rows = rows;
      v.render();
    };

    v.render = function () {
      const pages = Math.max(1, Math.ceil(v.rows.length / v.size));
      if (v.page >= pages) v.page = pages - 1;
      const all = v.printing && v.rows.length <= (opts.printMax || 2000);
      const start = all ? 0 : v.page * v.size;
      const slice = all ? v.rows : v.rows.slice(start, start + v.size);
      Array.prototype.forEach.call(head.children, function (th, ci) {
        const sorted = v.sort && v.sort.col === ci;
        th.setAttribute('aria-sort', sorted ? (v.sort.dir === 1 ? 'ascending' : 'descending') : 'none');
      });
      clear(tbody);
      v.trOf = new Map();
      slice.forEach(function (r, n) {
        const key = keyOfRow(r);
        const open = opts.detail && (v.expanded.has(key) || (v.printing && opts.printExpanded));
        const tr = el('tr', { class: 'row' + (open ? ' open' : '') + (opts.rowClass ? ' ' + opts.rowClass(r) : '') });
        rowOf.set(tr, r);
        opts.columns.forEach(function (col) {
          tr.appendChild(el('td', { class: col.cls || null }, col.cell(r, start + n)));
        });
        if (opts.detail) {
          tr.setAttribute('aria-expanded', open ? 'true' : 'false');
          tr.setAttribute('tabindex', '0');
        }
        tbody.appendChild(tr);
        v.trOf.set(key, tr);
        if (open) {
          tbody.appendChild(el('tr', { class: 'detailrow' }, el('td', { colspan: opts.columns.length }, opts.detail(r))));
        }
      });
      if (slice.length === 0) {
        tbody.appendChild(el('tr', null, el('td', { colspan: opts.columns.length, class: 'empty' }, opts.empty || 'Nothing to show.')));
      }
      const total = opts.total ? opts.total() : v.rows.length;
      status.textContent = opts.describe ? opts.describe(v.rows.length, total) :
        (v.rows.length === total ? counted(total, opts.noun || 'row') : 'Showing ' + num(v.rows.length) + ' of ' + counted(total, opts.noun || 'row') + ' (filtered)');
      clear(pager);
      if (pages > 1 && !all) {
        const prev = el('button', { type: 'button', disabled: v.page === 0 }, '‹ Previous');
        const next = el('button', { type: 'button', disabled: v.page >= pages - 1 }, 'Next ›');
        const input = el('input', { type: 'number', min: 1, max: pages, value: v.page + 1, 'aria-label': 'Page' });
        prev.addEventListener('click', function () { v.page -= 1; v.render(); });
        next.addEventListener('click', function () { v.page += 1; v.render(); });
        input.addEventListener('change', function () {
          const p = Math.min(pages, Math.max(1, parseInt(input.value, 10) || 1));
          v.page = p - 1;
          v.render();
        });
        add(pager, [prev, ' Page ', input, ' of ' + num(pages) + ' ', next,
          el('span', { class: 'muted' }, ' rows ' + num(start + 1) + '–' + num(Math.min(v.rows.length, start + v.size)))]);
      }
    };

    v.toggle = function (r, open) {
      const key = keyOfRow(r);
      const now = open === undefined ? !v.expanded.has(key) : open;
      if (now) v.expanded.add(key); else v.expanded.delete(key);
      v.render();
      if (opts.onToggle) opts.onToggle(r, now);
    };

    // Shows row r: the page that holds it, expanded; false when filtered out.
    v.reveal = function (r) {
      const key = keyOfRow(r);
      const pos = v.rows.findIndex(function (x) { return keyOfRow(x) === key; });
      if (pos < 0) return false;
      v.page = Math.floor(pos / v.size);
      v.expanded.add(key);
      v.render();
      const tr = v.trOf.get(key);
      if (tr) tr.scrollIntoView({ block: 'start' });
      return true;
    };

    if (opts.detail) {
      tbody.addEventListener('click', function (ev) {
        if (ev.target.closest('a, button, input, select, summary, .detailrow')) return;
        const tr = ev.target.closest('tr.row');
        if (tr && rowOf.has(tr)) v.toggle(rowOf.get(tr));
      });
      tbody.addEventListener('keydown', function (ev) {
        if (ev.key !== 'Enter' && ev.key !== ' ') return;
        const tr = ev.target.closest('tr.row');
        if (tr && ev.target === tr && rowOf.has(tr)) { ev.preventDefault(); v.toggle(rowOf.get(tr)); }
      });
    }
    return v;
  }

  // ---------------------------------------------------------------- senders

  function senderStats() {
    return lazy('senders', function () {
      const map = new Map();
      const FEATURES = ['program', 'family', 'mid', 'boundary', 'zone'];
      for (let i = 0; i < N; i++) {
        const e = items[i].e;
        if (!e) continue;
        const key = senderKey(e);
        let s = map.get(key);
        if (!s) {
          s = { key: key, names: new Map(), items: [], seen: new Set(), n: 0, copies: 0, flagged: 0,
            features: {}, clusters: new Map(), outliers: 0, outlierItems: [] };
          for (const f of FEATURES) s.features[f] = new Map();
          map.set(key, s);
        }
        s.items.push(i);
        if (flagged(i)) s.flagged += 1;
        if (e.f) {
          const name = e.f.replace(/\s*<[^>]*>$/, '');
          s.names.set(name, (s.names.get(name) || 0) + 1);
        }
        if (e.m && s.seen.has(e.m)) { s.copies += 1; continue; }
        if (e.m) s.seen.add(e.m);
        s.n += 1;
        const f = featuresOf(e);
        for (const name of FEATURES) s.features[name].set(f[name], (s.features[name].get(f[name]) || 0) + 1);
        const ck = clusterKey(e);
        let c = s.clusters.get(ck);
        if (!c) s.clusters.set(ck, (c = { key: ck, n: 0, items: [] }));
        c.n += 1;
        c.items.push(i);
      }
      for (const s of map.values()) {
        s.seen = null;
        if (s.n >= 5) {
          for (const c of s.clusters.values()) {
            if (c.n <= 2 && c.n / s.n < 0.1) { s.outliers += c.n; s.outlierItems = s.outlierItems.concat(c.items); c.outlier = true; }
          }
        }
      }
      return map;
    });
  }
  function featuresOf(e) {
    return {
      program: e.cl || '(none)',
      family: e.cf || '(none)',
      mid: e.mf ? e.mf + '@' + (e.md || '') : '(none)',
      boundary: e.bf || '(single part)',
      zone: e.o || '(none)'
    };
  }
  function clusterKey(e) {
    return (e.cf || 'no program named') + ' · ' + (e.md ? 'ids @' + e.md : 'no Message-ID');
  }
  function profileOf(key) {
    const profiles = Array.isArray(sections.profiles) ? sections.profiles : [];
    for (const p of profiles) {
      if (p && typeof p.sender === 'string' && p.sender.toLowerCase() === key) return p;
    }
    return null;
  }
  function firstOf(obj, keys) {
    for (const k of keys) {
      const v = obj[k];
      if (typeof v === 'string' || typeof v === 'number') return v;
    }
    return null;
  }
  function countOf(v) {
    if (typeof v === 'number') return v;
    if (Array.isArray(v)) return v.length;
    return null;
  }

  // ---------------------------------------------------------------- item detail

  function detail(i) {
    const it = items[i];
    const e = it.e;
    const box = el('div', { class: 'detail' });
    const fis = findingsOf.get(i) || [];
    box.appendChild(el('p', { class: 'actions' },
      el('a', { href: itemHref(it.p, it.l), class: 'permalink' }, 'Link to this item'),
      rankOf.has(i) ? el('span', { class: 'muted' }, ' · rank ' + rankOf.get(i) + ', score ' + scoreOf.get(i)) : null));
    if (fis.length) {
      box.appendChild(el('h4', null, plural(fis.length, 'finding')));
      for (const fi of fis) box.appendChild(findingCard(findings[fi]));
    }
    box.appendChild(el('h4', null, 'Facts'));
    box.appendChild(factsTable(i));
    if (e) {
      const cmp = senderComparison(i);
      if (cmp) box.appendChild(cmp);
      if (e.dk && e.dk.length) box.appendChild(dkimTable(e));
    }
    if (it.doc) {
      box.appendChild(el('h4', null, 'Document metadata'));
      box.appendChild(value(it.doc, 'document'));
    }
    const rel = related(i);
    if (rel) box.appendChild(rel);
    if (e && e.x) box.appendChild(headerFacts(e.x));
    return box;
  }

  function findingCard(f) {
    return el('article', { class: 'finding sev-' + f.v },
      el('header', null, sevBadge(f.v), ' ', checkLink(f.c), ' ', el('span', { class: 'message' }, f.m)),
      f.e && typeof f.e === 'object' ? table(Object.keys(f.e).map(function (k) { return [k, f.e[k]]; }), 'evidence') : null);
  }

  function factsTable(i) {
    const it = items[i];
    const e = it.e;
    const rows = [['Path', it.p]];
    if (it.l) rows.push(['Locator', it.l]);
    rows.push(['Kind', it.k], ['Size', num(it.n) + ' bytes']);
    if (it.h) rows.push(['SHA-256', it.h]);
    if (it.fn !== undefined) rows.push(['Attachment name', it.fn]);
    if (it.ct) rows.push(['Declared type', it.ct]);
    if (it.lt) rows.push(['Link target (not followed)', it.lt]);
    if (it.sp) rows.push(['Special file', it.sp]);
    if (e) {
      rows.push(['Found as', e.src]);
      rows.push(['From', e.f || null]);
      if (e.t && e.t.length) rows.push(['To, Cc', e.t.concat(e.tn > e.t.length ? ['… ' + (e.tn - e.t.length) + ' more'] : [])]);
      rows.push(['Subject', e.s === undefined ? null : e.s]);
      rows.push(['Date (as written)', e.d === undefined ? null : e.d]);
      if (e.u) rows.push(['Date (UTC)', e.u]);
      if (e.de) rows.push(['Date problem', e.de]);
      rows.push(['Message-ID', e.m || null]);
      if (e.r) rows.push(['In-Reply-To', e.r]);
      rows.push(['Program (X-Mailer / User-Agent)', e.cl || null]);
    }
    return el('table', { class: 'kv' }, rows.map(function (r) {
      const v = r[1];
      return el('tr', null, el('th', null, r[0]), el('td', null,
        v === null ? el('i', { class: 'muted' }, 'none') : el('span', { class: 'val' }, Array.isArray(v) ? v.join(', ') : v)));
    }));
  }

  function senderComparison(i) {
    const e = items[i].e;
    const key = senderKey(e);
    const s = senderStats().get(key);
    if (!s || s.n < 2) return null;
    const mine = featuresOf(e);
    const rows = [
      ['Program', 'family', e.cl || '(none)', mine.family],
      ['Message-ID form', 'mid', e.m || '(none)', mine.mid],
      ['MIME boundary form', 'boundary', e.x && e.x.mime && e.x.mime.boundary ? e.x.mime.boundary : mine.boundary, mine.boundary],
      ['Date zone', 'zone', e.o || '(none)', mine.zone]
    ];
    const body = rows.map(function (r) {
      const tally = s.features[r[1]];
      let top = null;
      let topN = 0;
      for (const kv of tally) if (kv[1] > topN) { top = kv[0]; topN = kv[1]; }
      const here = tally.get(r[3]) || 0;
      const unusual = s.n >= 5 && here <= 2 && here / s.n < 0.1;
      return el('tr', { class: unusual ? 'unusual' : null },
        el('th', null, r[0]),
        el('td', null, el('code', null, r[2]), r[2] !== r[3] ? el('div', { class: 'muted' }, 'form: ', el('code', null, r[3])) : null),
        el('td', null, el('code', null, top), el('div', { class: 'muted' }, topN + ' of ' + s.n)),
        el('td', null, here + ' of ' + s.n, unusual ? el('span', { class: 'badge unusual' }, 'unusual') : null));
    });
    const profile = profileOf(key);
    return el('section', { class: 'compare' },
      el('h4', null, 'Compared with the sender\'s other mail (' + plural(s.n, 'message') + ' from ' + key + ')'),
      el('table', { class: 'list compact' },
        el('thead', null, el('tr', null, el('th', null, ''), el('th', null, 'This message'), el('th', null, 'Sender\'s usual'), el('th', null, 'Messages like this'))),
        el('tbody', null, body)),
      profile ? el('details', null, el('summary', null, 'Sender profile from the report'), value(profile, 'profile')) : null);
  }

  function dkimTable(e) {
    return el('section', null, el('h4', null, 'DKIM'),
      el('table', { class: 'list compact' },
        el('thead', null, el('tr', null, el('th', null, 'Domain (d=)'), el('th', null, 'Selector (s=)'), el('th', null, 'Body hash'), el('th', null, 'Signature'))),
        el('tbody', null, e.dk.map(function (d) {
          return el('tr', null, el('td', null, d.d || ''), el('td', null, d.s || ''),
            el('td', null, el('span', { class: 'result r-' + d.bh }, d.bh)),
            el('td', null, el('span', { class: 'result r-' + d.sig }, d.sig)));
        }))));
  }

  function headerFacts(x) {
    const rows = [];
    if (x.received && x.received.length) {
      rows.push(['Received (top = last hop)', x.received.map(function (h) { return 'Received: ' + h.raw; })]);
    }
    if (x.header_names) rows.push(['Header order', x.header_names.join(', ')]);
    if (x.mime) rows.push(['MIME', x.mime]);
    for (const k of ['references', 'list_id', 'resent_date', 'repeated_headers', 'header_problems', 'dkim', 'content_sha256', 'truncated']) {
      if (x[k] !== undefined && !(Array.isArray(x[k]) && x[k].length === 0)) rows.push([k, x[k]]);
    }
    return el('details', { class: 'headers' }, el('summary', null, 'All header facts'), table(rows, 'kv'));
  }

  function related(i) {
    const it = items[i];
    const groups = [];
    const seen = new Set([i]);
    function group(label, list) {
      const fresh = list.filter(function (j) { return j >= 0 && !seen.has(j); });
      fresh.forEach(function (j) { seen.add(j); });
      if (fresh.length) groups.push([label, fresh]);
    }
    function refIndex(ref) { return indexOfKey(ref.path + '|' + (ref.locator || '')); }
    const LABELS = {
      'message-id-conflict': 'Conflicting copy (same Message-ID, different content)',
      'exact-duplicate': 'Identical copy (same SHA-256)',
      'thread-chronology': 'Thread'
    };
    // Items named in this item's findings.
    for (const fi of findingsOf.get(i) || []) {
      const f = findings[fi];
      const byKey = new Map();
      walkRefs(f.e, '', function (key, ref) {
        const label = key === 'parent' ? 'Thread parent (In-Reply-To)' : LABELS[f.c] || 'Named in the evidence of ' + f.c;
        if (!byKey.has(label)) byKey.set(label, []);
        byKey.get(label).push(refIndex(ref));
      });
      for (const kv of byKey) group(kv[0], kv[1]);
    }
    // Findings on other items that name this one.
    for (const m of mentions.get(keyOf(i)) || []) {
      const f = findings[m[0]];
      const label = f.c === 'thread-chronology' && m[1] === 'parent' ? 'Reply dated before this message (thread-chronology)' :
        (LABELS[f.c] || 'Names this item: ' + f.c);
      group(label, [f.i]);
    }
    const e = it.e;
    if (e && e.r) group('Parent in the dump (In-Reply-To)', byMessageId().get(e.r) || []);
    if (e && e.m) {
      group('Other copies with the same Message-ID', byMessageId().get(e.m) || []);
      group('Replies (In-Reply-To this message)', byReplyTo().get(e.m) || []);
    }
    if (it.h && it.k !== 'empty') group(it.l && /attachment:/.test(it.l) ? 'The same attachment elsewhere (same SHA-256)' : 'Identical bytes elsewhere (same SHA-256)', bySha().get(it.h) || []);
    // The message or mbox holding this item, and what it holds.
    if (it.l) {
      const cut = it.l.lastIndexOf('/');
      group('Contained in', [indexOfKey(it.p + '|' + (cut < 0 ? '' : it.l.slice(0, cut)))]);
    }
    const kids = [];
    const depth = it.l ? it.l.split('/').length : 0;
    for (let j = i + 1; j < N && items[j].p === it.p; j++) {
      const l = items[j].l || '';
      if (it.l && l.indexOf(it.l + '/') !== 0) break;
      if (l.split('/').length === depth + 1) kids.push(j);
    }
    group(it.k === 'mbox' ? 'Messages in this mbox' : 'Attachments', kids);
    if (!groups.length) return null;
    return el('section', { class: 'related' }, el('h4', null, 'Related items'),
      el('ul', null, groups.map(function (g) {
        const shown = g[1].slice(0, 25);
        return el('li', null, el('span', { class: 'rel' }, g[0] + ': '),
          el('ul', null, shown.map(function (j) { return el('li', null, linkTo(j), ' ', describe(j)); }),
            g[1].length > shown.length ? el('li', { class: 'muted' }, '… and ' + num(g[1].length - shown.length) + ' more') : null));
      })));
  }

  // ---------------------------------------------------------------- layout

  mark('index');
  clear(app);
  const toolbar = el('nav', { class: 'toolbar', 'aria-label': 'Sections and filters' });
  app.appendChild(toolbar);
  function section(id, title) {
    const s = el('section', { id: id, class: 'view' }, el('h2', null, title));
    app.appendChild(s);
    return s;
  }

  // Filters.
  const sevBoxes = SEVERITIES.map(function (sv) {
    const box = el('input', { type: 'checkbox', checked: true, value: sv });
    box.addEventListener('change', function () {
      if (box.checked) state.sev.add(sv); else state.sev.delete(sv);
      apply();
    });
    return el('label', { class: 'sevbox sev-' + sv }, box, ' ' + sv);
  });
  const checkSel = el('select', { 'aria-label': 'Check' }, el('option', { value: '' }, 'all checks'),
    checks.map(function (c) {
      const n = D.summary && D.summary.findings_by_check ? D.summary.findings_by_check[c.id] || 0 : 0;
      return el('option', { value: c.id }, c.id + ' (' + n + ')');
    }));
  checkSel.addEventListener('change', function () { state.check = checkSel.value; apply(); });
  const senderIn = el('input', { type: 'search', placeholder: 'sender', list: 'senders-list', 'aria-label': 'Sender', size: 22 });
  const senderList = el('datalist', { id: 'senders-list' });
  const searchIn = el('input', { type: 'search', placeholder: 'search subject, path, Message-ID…', 'aria-label': 'Search', size: 30 });
  const fromIn = el('input', { type: 'date', 'aria-label': 'From date (UTC)' });
  const toIn = el('input', { type: 'date', 'aria-label': 'To date (UTC)' });
  const clearBtn = el('button', { type: 'button' }, 'Clear filters');
  const printBtn = el('button', { type: 'button', title: 'Print, or save as PDF' }, 'Print');
  let debounce = null;
  senderIn.addEventListener('input', function () {
    clearTimeout(debounce);
    debounce = setTimeout(function () { state.sender = senderIn.value.trim().toLowerCase(); apply(); }, 200);
  });
  searchIn.addEventListener('input', function () {
    clearTimeout(debounce);
    debounce = setTimeout(function () { state.q = searchIn.value.trim().toLowerCase(); apply(); }, 200);
  });
  fromIn.addEventListener('change', function () { state.from = fromIn.value; apply(); });
  toIn.addEventListener('change', function () { state.to = toIn.value; apply(); });
  clearBtn.addEventListener('click', function () { resetFilters(); apply(); });
  printBtn.addEventListener('click', function () { window.print(); });
  function resetFilters() {
    state.sev = new Set(SEVERITIES);
    state.check = state.sender = state.q = state.from = state.to = state.kind = '';
    sevBoxes.forEach(function (l) { l.firstChild.checked = true; });
    checkSel.value = '';
    senderIn.value = searchIn.value = fromIn.value = toIn.value = '';
    if (kindSel) kindSel.value = '';
  }
  const filterNote = el('span', { class: 'filternote' });
  const navBar = el('div', { class: 'nav' });
  toolbar.appendChild(el('div', { class: 'navrow' }, navBar, el('span', { class: 'group' }, filterNote, clearBtn, printBtn)));
  toolbar.appendChild(el('div', { class: 'filters' },
    el('span', { class: 'group' }, sevBoxes), checkSel, senderIn, senderList, searchIn,
    el('span', { class: 'group' }, fromIn, ' – ', toIn)));
  function nav(id, label) { navBar.appendChild(el('a', { href: '#' + id }, label)); }

  // Most suspicious first (the timeline, built next, goes above it).
  nav('sec-timeline', 'Timeline');
  nav('sec-ranked', 'Suspicious');
  const secRanked = section('sec-ranked', 'Most suspicious first');
  secRanked.appendChild(el('p', { class: 'intro' },
    'Items with findings, ranked by a score: high 10, medium 4, low 1 and info 0 points; each check counts once, at its worst; ' +
    'every further independent check that agrees counts double (docs/report-scoring.md). Click a row for its evidence.'));
  const ranked = ListView({
    noun: ['item with findings', 'items with findings'],
    cls: 'items ranked',
    pageSize: 50,
    printExpanded: true,
    source: function () { return rankedItems.filter(function (i) { return passesFindings(i) && passesCommon(i); }); },
    total: function () { return rankedItems.length; },
    rowClass: function (i) { return 'sev-' + (maxSeverity(i) || 'none'); },
    detail: detail,
    onToggle: onToggle,
    empty: rankedItems.length ? 'No item with findings matches the filters.' : 'No findings: no check flagged anything in this dump.',
    columns: [
      { label: '#', cls: 'num', sort: function (i) { return rankOf.get(i); }, cell: function (i) { return String(rankOf.get(i)); } },
      { label: 'Score', cls: 'num', desc: true, sort: function (i) { return scoreOf.get(i); }, cell: function (i) { return el('b', null, String(scoreOf.get(i))); } },
      { label: 'Severity', sort: function (i) { return SEV_RANK[maxSeverity(i)]; }, desc: true, cell: function (i) { return sevBadge(maxSeverity(i)); } },
      { label: 'Checks', sort: function (i) { return checksOf(i).join(' '); }, cell: function (i) { return checksOf(i).map(function (c) { return el('span', { class: 'chip' }, c); }); } },
      { label: 'Date', cls: 'date', sort: function (i) { return items[i].e ? items[i].e.u : null; }, cell: function (i) { return dateCell(items[i].e); } },
      { label: 'From', cls: 'from', sort: function (i) { return items[i].e ? senderKey(items[i].e) : null; }, cell: function (i) { return cut(items[i].e ? items[i].e.f : ''); } },
      { label: 'Subject / name', cls: 'subject', sort: function (i) { return itemLabel(i).toLowerCase(); }, cell: function (i) { return cut(itemLabel(i)); } },
      { label: 'Where', cls: 'where', sort: function (i) { return items[i].p; }, cell: function (i) { return el('span', { title: items[i].p + (items[i].l ? ' ' + items[i].l : '') }, where(items[i].p, items[i].l)); } }
    ]
  });
  secRanked.appendChild(ranked.node);
  function dateCell(e) {
    if (!e) return '';
    const shown = shownDate(e);
    return shown ? el('span', { title: e.d || '' }, shown) : el('i', { class: 'muted' }, 'no Date');
  }
  function cut(text) { return el('span', { class: 'cut', title: text || '' }, text || ''); }

  // Timeline.
  const secTimeline = section('sec-timeline', 'Timeline');
  mark('ranked');
  const timeline = buildTimeline();
  mark('timeline');
  secTimeline.appendChild(timeline.node);
  // Put the overview above the list: it is what the eye reads first.
  app.insertBefore(secTimeline, secRanked);

  function buildTimeline() {
    const node = el('div', { class: 'timeline' });
    const days = [];
    const flaggedDays = [];
    let undated = 0;
    let emails = 0;
    for (let i = 0; i < N; i++) {
      if (!items[i].e) continue;
      emails += 1;
      const day = dayOf(i);
      if (!day) { undated += 1; continue; }
      const n = dayNum(day);
      if (isNaN(n)) { undated += 1; continue; }
      days.push(n);
      if (flagged(i)) flaggedDays.push(n);
    }
    if (!days.length) {
      node.appendChild(el('p', { class: 'muted' }, emails ? 'No message has a usable Date.' : 'No messages in this dump.'));
      return { node: node, update: function () {} };
    }
    const sorted = Int32Array.from(days).sort();
    // A few absurd dates (1970, 2099) must not squash the chart: when 0.1% of the dates
    // at either end lie far outside the rest, they are left off (and counted).
    const trim = sorted.length >= 1000 ? Math.floor(sorted.length * 0.001) : 0;
    let lo = sorted[0];
    let hi = sorted[sorted.length - 1];
    const innerLo = sorted[trim];
    const innerHi = sorted[sorted.length - 1 - trim];
    if (hi - lo > 2 * (innerHi - innerLo) + 60) {
      lo = innerLo;
      hi = innerHi;
    }
    const span = hi - lo + 1;
    const binDays = span <= 450 ? 1 : span <= 3000 ? 7 : 30;
    const nb = Math.ceil(span / binDays);
    const total = new Array(nb).fill(0);
    const flg = new Array(nb).fill(0);
    let outside = 0;
    function bin(n) { return Math.floor((n - lo) / binDays); }
    for (const n of days) { const b = bin(n); if (b < 0 || b >= nb) outside += 1; else total[b] += 1; }
    for (const n of flaggedDays) { const b = bin(n); if (b >= 0 && b < nb) flg[b] += 1; }
    const max = Math.max.apply(null, total);
    const W = 1200;
    const H = 170;
    const L = 40;
    const T = 14;
    const PH = 120;
    const PW = W - L - 8;
    const bw = PW / nb;
    const chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'chart', role: 'img', 'aria-label': 'Messages per ' + (binDays === 1 ? 'day' : binDays === 7 ? 'week' : 'month') + ', flagged ones marked' });
    chart.appendChild(svg('line', { x1: L, x2: W - 8, y1: T + PH + 0.5, y2: T + PH + 0.5, class: 'axis' }));
    chart.appendChild(svg('line', { x1: L, x2: W - 8, y1: T + 0.5, y2: T + 0.5, class: 'grid' }));
    chart.appendChild(svg('text', { x: L - 6, y: T + 4, class: 'ylabel' }, String(max)));
    chart.appendChild(svg('text', { x: L - 6, y: T + PH, class: 'ylabel' }, '0'));
    const bars = svg('g', { class: 'bars' });
    for (let b = 0; b < nb; b++) {
      if (!total[b]) continue;
      const x = L + b * bw;
      const w = Math.max(bw > 3 ? bw - 1 : bw, 0.8);
      const h = Math.max(1, (total[b] / max) * PH);
      const from = dayStr(lo + b * binDays);
      const label = (binDays === 1 ? from : from + ' to ' + dayStr(Math.min(hi, lo + (b + 1) * binDays - 1))) +
        ': ' + plural(total[b], 'message') + (flg[b] ? ', ' + flg[b] + ' flagged' : '');
      const g = svg('g', { class: flg[b] ? 'bar flagged' : 'bar' }, svg('title', null, label));
      g.appendChild(svg('rect', { x: x.toFixed(2), y: (T + PH - h).toFixed(2), width: w.toFixed(2), height: h.toFixed(2), class: 'total' }));
      if (flg[b]) {
        const fh = Math.max(2, (flg[b] / max) * PH);
        g.appendChild(svg('rect', { x: x.toFixed(2), y: (T + PH - fh).toFixed(2), width: w.toFixed(2), height: fh.toFixed(2), class: 'flag' }));
        const cx = x + w / 2;
        const top = T + PH - h - 3;
        g.appendChild(svg('path', { d: 'M' + (cx - 4).toFixed(1) + ' ' + (top - 7).toFixed(1) + 'h8l-4 7z', class: 'marker' }));
      }
      bars.appendChild(g);
    }
    chart.appendChild(bars);
    // Month ticks.
    const first = new Date(lo * 864e5);
    const months = [];
    for (let y = first.getUTCFullYear(), m = first.getUTCMonth() + 1; ; m++) {
      if (m > 11) { m = 0; y += 1; }
      const n = Math.round(Date.UTC(y, m, 1) / 864e5);
      if (n > hi) break;
      months.push([n, y, m]);
    }
    const every = Math.max(1, Math.ceil(months.length / 14));
    months.forEach(function (mm, k) {
      const x = L + ((mm[0] - lo) / binDays) * bw;
      chart.appendChild(svg('line', { x1: x.toFixed(1), x2: x.toFixed(1), y1: T + PH, y2: T + PH + 5, class: 'axis' }));
      if (k % every !== 0 || x > W - 64) return;
      const text = mm[2] === 0 || every === 1 || k === 0 ? MONTHS[mm[2]] + ' ' + mm[1] : MONTHS[mm[2]];
      chart.appendChild(svg('text', { x: (x + 2).toFixed(1), y: T + PH + 17, class: 'xlabel' }, text));
    });
    const sel = svg('rect', { x: 0, y: T - 6, width: 0, height: PH + 6, class: 'sel' });
    chart.appendChild(sel);
    const hit = svg('rect', { x: L, y: 0, width: PW, height: T + PH + 20, class: 'hit' });
    chart.appendChild(hit);
    function binAt(ev) {
      const r = chart.getBoundingClientRect();
      const x = ((ev.clientX - r.left) * W) / r.width;
      return Math.min(nb - 1, Math.max(0, Math.floor((x - L) / bw)));
    }
    function showSel(a, b) {
      const x0 = L + Math.min(a, b) * bw;
      const x1 = L + (Math.max(a, b) + 1) * bw;
      sel.setAttribute('x', x0.toFixed(2));
      sel.setAttribute('width', (x1 - x0).toFixed(2));
    }
    let dragFrom = null;
    hit.addEventListener('pointerdown', function (ev) {
      dragFrom = binAt(ev);
      hit.setPointerCapture(ev.pointerId);
      showSel(dragFrom, dragFrom);
    });
    hit.addEventListener('pointermove', function (ev) { if (dragFrom !== null) showSel(dragFrom, binAt(ev)); });
    hit.addEventListener('pointerup', function (ev) {
      if (dragFrom === null) return;
      const a = Math.min(dragFrom, binAt(ev));
      const b = Math.max(dragFrom, binAt(ev));
      dragFrom = null;
      state.from = fromIn.value = dayStr(lo + a * binDays);
      state.to = toIn.value = dayStr(Math.min(hi, lo + (b + 1) * binDays - 1));
      apply();
    });
    const unit = binDays === 1 ? 'day' : binDays === 7 ? 'week' : 'month';
    const caption = el('p', { class: 'caption' },
      plural(days.length, 'dated message') + ' per ' + unit + ' (UTC), ' + dayStr(lo) + ' to ' + dayStr(hi) + '; ',
      el('span', { class: 'key flag' }, '■'), ' ' + plural(flaggedDays.length, 'flagged message') + ' (score above 0), marked ',
      el('span', { class: 'key marker' }, '▼'), '.',
      undated ? ' ' + plural(undated, 'message') + ' without a usable Date.' : '',
      outside ? ' ' + plural(outside, 'message') + ' dated far outside this span are left off the chart.' : '',
      ' Drag across the chart (or set the dates above) to narrow the lists to a range.');
    node.appendChild(chart);
    node.appendChild(caption);
    return {
      node: node,
      update: function () {
        if (!state.from && !state.to) { sel.setAttribute('width', '0'); return; }
        const a = state.from ? bin(dayNum(state.from)) : 0;
        const b = state.to ? bin(dayNum(state.to)) : nb - 1;
        if (isNaN(a) || isNaN(b)) return;
        showSel(Math.max(0, Math.min(a, nb - 1)), Math.max(0, Math.min(b, nb - 1)));
      }
    };
  }

  // Everything below the first screen is built after it has been painted.
  let senders = null;
  let all = null;
  function buildRest() {
    // Senders.
    nav('sec-senders', 'Senders');
    const secSenders = section('sec-senders', 'Senders');
    const stats = Array.from(senderStats().values());
    mark('senders');
    stats.sort(function (a, b) { return b.n - a.n || (a.key < b.key ? -1 : 1); });
    stats.slice(0, 1000).forEach(function (s) { senderList.appendChild(el('option', { value: s.key })); });
    secSenders.appendChild(el('p', { class: 'intro' },
      'One row per From address. Messages are counted once per Message-ID (copies in several mailboxes apart). ' +
      'A cluster groups the messages written by one program (X-Mailer / User-Agent without version numbers) with one Message-ID domain; ' +
      'outliers are the messages of a cluster of one or two messages holding under 10% of a sender\'s mail (senders with 5 messages or more): a program used once or twice by someone who otherwise writes with something else.' +
      (Array.isArray(sections.profiles) ? ' Sender profiles from the report are shown in each sender\'s details.' : '')));
    senders = ListView({
      noun: 'sender',
      source: function () { return stats; },
      key: function (s) { return s.key; },
      detail: senderDetail,
      columns: [
        { label: 'Sender', cls: 'from', sort: function (s) { return s.key; }, cell: function (s) { return cut(s.key); } },
        { label: 'Names', cls: 'names', sort: function (s) { return topName(s); }, cell: function (s) { return cut(topNames(s)); } },
        { label: 'Messages', cls: 'num', desc: true, sort: function (s) { return s.n; }, cell: function (s) { return num(s.n); } },
        { label: 'Other copies', cls: 'num', desc: true, sort: function (s) { return s.copies; }, cell: function (s) { return num(s.copies); } },
        { label: 'Flagged', cls: 'num', desc: true, sort: function (s) { return s.flagged; }, cell: function (s) { return s.flagged ? el('b', { class: 'flagged' }, num(s.flagged)) : '0'; } },
        { label: 'Clusters', cls: 'clusters', desc: true, sort: function (s) { return s.clusters.size; }, cell: clusterChips },
        { label: 'Outliers', cls: 'num', desc: true, sort: function (s) { return outliersOf(s); }, cell: function (s) { const o = outliersOf(s); return o ? el('b', { class: 'flagged' }, num(o)) : '0'; } }
      ]
    });
    secSenders.appendChild(senders.node);
    function topName(s) {
      let best = '';
      let n = 0;
      for (const kv of s.names) if (kv[1] > n) { best = kv[0]; n = kv[1]; }
      return best;
    }
    function topNames(s) {
      return Array.from(s.names.keys()).slice(0, 3).join(', ') + (s.names.size > 3 ? ' …' : '');
    }
    function outliersOf(s) {
      const p = profileOf(s.key);
      if (p) {
        const n = countOf(p.outliers);
        if (n !== null) return n;
      }
      return s.outliers;
    }
    function clustersSorted(s) {
      return Array.from(s.clusters.values()).sort(function (a, b) { return b.n - a.n || (a.key < b.key ? -1 : 1); });
    }
    function clusterChips(s) {
      const p = profileOf(s.key);
      if (p && Array.isArray(p.clusters)) {
        // The report's own clusters: their label and size, whatever the exact shape.
        return el('span', { title: 'clusters from the report\'s sender profile' }, p.clusters.slice(0, 4).map(function (c) {
          const label = c && typeof c === 'object' ? firstOf(c, ['label', 'name', 'key', 'client', 'program', 'id']) : c;
          const n = c && typeof c === 'object' ? firstOf(c, ['messages', 'count', 'n', 'size']) : null;
          const text = label === null ? 'cluster' : String(label);
          return el('span', { class: 'chip' + (c && c.outlier ? ' outlier' : ''), title: text }, text.length > 48 ? text.slice(0, 47) + '…' : text, n === null ? '' : ' ×' + n);
        }), p.clusters.length > 4 ? ' +' + (p.clusters.length - 4) : null);
      }
      const list = clustersSorted(s);
      return el('span', null, list.slice(0, 3).map(function (c) {
        return el('span', { class: 'chip' + (c.outlier ? ' outlier' : ''), title: c.key }, c.key.length > 48 ? c.key.slice(0, 47) + '…' : c.key, ' ×' + c.n);
      }), list.length > 3 ? ' +' + (list.length - 3) : null);
    }
    function senderDetail(s) {
      const box = el('div', { class: 'detail' });
      const show = el('button', { type: 'button' }, 'Show this sender\'s mail in the lists');
      show.addEventListener('click', function () {
        state.sender = s.key;
        senderIn.value = s.key;
        apply();
        doc.getElementById('sec-ranked').scrollIntoView({ block: 'start' });
      });
      box.appendChild(el('p', { class: 'actions' }, show));
      box.appendChild(el('h4', null, 'Clusters'));
      box.appendChild(el('table', { class: 'list compact' },
        el('thead', null, el('tr', null, el('th', null, 'Program · Message-ID domain'), el('th', { class: 'num' }, 'Messages'), el('th', null, 'Outlier messages'))),
        el('tbody', null, clustersSorted(s).map(function (c) {
          return el('tr', { class: c.outlier ? 'unusual' : null }, el('td', null, el('code', null, c.key)), el('td', { class: 'num' }, num(c.n)),
            el('td', null, c.outlier ? el('ul', { class: 'plain' }, c.items.slice(0, 20).map(function (j) { return el('li', null, linkTo(j), ' ', describe(j)); })) : ''));
        }))));
      box.appendChild(el('h4', null, 'Header forms'));
      const labels = { program: 'Program as written', mid: 'Message-ID form', boundary: 'MIME boundary form', zone: 'Date zone' };
      box.appendChild(el('div', { class: 'tallies' }, Object.keys(labels).map(function (k) { return tally(labels[k], s.features[k], s.n); })));
      const p = profileOf(s.key);
      if (p) {
        box.appendChild(el('h4', null, 'Sender profile from the report'));
        box.appendChild(value(p, 'profile'));
      }
      return box;
    }
    function tally(title, map, total, rare) {
      const rows = Array.from(map.entries()).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
      return el('table', { class: 'list compact tally' },
        el('thead', null, el('tr', null, el('th', null, title), el('th', { class: 'num' }, 'Count'))),
        el('tbody', null, rows.slice(0, 50).map(function (r) {
          const isRare = rare ? rare(r[1], total) : false;
          return el('tr', { class: isRare ? 'unusual' : null }, el('td', null, el('code', null, r[0]), isRare ? el('span', { class: 'badge unusual' }, 'rare') : null), el('td', { class: 'num' }, num(r[1])));
        }), rows.length > 50 ? el('tr', null, el('td', { colspan: 2, class: 'muted' }, '… ' + (rows.length - 50) + ' more values')) : null));
    }

    // Report sections added by later versions (domains): rendered as they come.
    if (sections.domains !== undefined) {
      nav('sec-domains', 'Domains');
      const secDomains = section('sec-domains', 'Sender domains');
      secDomains.appendChild(genericSection(sections.domains));
    }
    function genericSection(data) {
      if (Array.isArray(data) && data.length && data.every(function (x) { return x && typeof x === 'object' && !Array.isArray(x); })) {
        const keys = [];
        for (const x of data.slice(0, 100)) for (const k of Object.keys(x)) if (keys.indexOf(k) < 0) keys.push(k);
        const shown = keys.slice(0, 8);
        const view = ListView({
          noun: ['entry', 'entries'],
          source: function () { return data; },
          key: function (x) { return data.indexOf(x); },
          detail: function (x) { return el('div', { class: 'detail' }, value(x)); },
          columns: shown.map(function (k) {
            return {
              label: k.replace(/_/g, ' '),
              sort: function (x) { const v = x[k]; return typeof v === 'number' || typeof v === 'string' ? v : Array.isArray(v) ? v.length : null; },
              cell: function (x) {
                const v = x[k];
                if (v === null || v === undefined) return '';
                if (typeof v === 'object') return Array.isArray(v) ? plural(v.length, 'entry', 'entries') : plural(Object.keys(v).length, 'value');
                return cut(String(v));
              }
            };
          })
        });
        view.refresh();
        return view.node;
      }
      return value(data);
    }

    // Documents.
    nav('sec-documents', 'Documents');
    const secDocs = section('sec-documents', 'Documents');
    buildDocuments(secDocs);
    mark('documents');
    // Rare as the report's documents section counts it: one document, or at most 5% of them.
    function rareDocValue(n, total) { return n <= Math.max(1, Math.floor(total / 20)); }
    function docField(d, path) {
      let v = d;
      for (const k of path.split('.')) { if (v === null || typeof v !== 'object') return null; v = v[k]; }
      if (v && typeof v === 'object' && typeof v.raw === 'string') return v.utc || v.local || v.raw;
      return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
    }
    function buildDocuments(node) {
      const DOC_FIELDS = [
        ['creator', 'Authors'], ['last_modified_by', 'Last edited by'], ['company', 'Companies'],
        ['application', 'Applications'], ['producer', 'PDF producers'], ['template', 'Templates'],
        ['exif.software', 'Image software'], ['exif.model', 'Cameras']
      ];
      const docItems = [];
      const docKinds = new Map();
      for (let i = 0; i < N; i++) {
        if (items[i].doc && typeof items[i].doc === 'object') docItems.push(i);
        if (['ooxml', 'odf', 'pdf', 'ole2'].indexOf(items[i].k) >= 0) docKinds.set(items[i].k, (docKinds.get(items[i].k) || 0) + 1);
      }
      const kindsText = Array.from(docKinds.entries()).map(function (kv) { return kv[1] + ' ' + kv[0]; }).join(', ');
      if (sections.documents !== undefined) {
        node.appendChild(el('p', { class: 'intro' }, 'Document metadata tallies from the report\'s documents section.'));
        node.appendChild(documentsSection(sections.documents));
      }
      if (!docItems.length) {
        if (sections.documents === undefined) {
          node.appendChild(el('p', { class: 'muted' }, 'No document metadata in this report' + (kindsText ? ' (' + kindsText + ' files were hashed, not read)' : '') + '.'));
        }
        return;
      }
      if (sections.documents === undefined) {
        node.appendChild(el('p', { class: 'intro' }, plural(docItems.length, 'document') + ' with metadata (' + kindsText + '). ' +
          'Values carried by a single document, or by at most 5% of the documents naming one, are rare and highlighted: a document from outside the usual circle of authors and programs.'));
        const tallies = el('div', { class: 'tallies' });
        for (const fd of DOC_FIELDS) {
          const map = new Map();
          let total = 0;
          for (const i of docItems) {
            const v = docField(items[i].doc, fd[0]);
            if (v === null || v === '') continue;
            const shown = fd[0] === 'application' && items[i].doc.app_version ? v + ' ' + items[i].doc.app_version : v;
            map.set(shown, (map.get(shown) || 0) + 1);
            total += 1;
          }
          if (total) tallies.appendChild(tally(fd[1] + ' (' + total + ')', map, total, rareDocValue));
        }
        node.appendChild(tallies);
      }
      const docs = ListView({
        noun: 'document',
        source: function () { return state.q ? docItems.filter(function (i) { return hay(i).indexOf(state.q) >= 0; }) : docItems; },
        total: function () { return docItems.length; },
        detail: detail,
        onToggle: onToggle,
        columns: [
          { label: 'Where', cls: 'where', sort: function (i) { return items[i].p; }, cell: function (i) { return where(items[i].p, items[i].l); } },
          { label: 'Kind', sort: function (i) { return items[i].k; }, cell: function (i) { return items[i].k; } },
          { label: 'Title', sort: function (i) { return docField(items[i].doc, 'title'); }, cell: function (i) { return cut(docField(items[i].doc, 'title') || ''); } },
          { label: 'Author', sort: function (i) { return docField(items[i].doc, 'creator'); }, cell: function (i) { return cut(docField(items[i].doc, 'creator') || ''); } },
          { label: 'Last edited by', sort: function (i) { return docField(items[i].doc, 'last_modified_by'); }, cell: function (i) { return cut(docField(items[i].doc, 'last_modified_by') || ''); } },
          { label: 'Program', sort: function (i) { return docField(items[i].doc, 'application') || docField(items[i].doc, 'producer'); }, cell: function (i) { return cut(docField(items[i].doc, 'application') || docField(items[i].doc, 'producer') || ''); } },
          { label: 'Created', cls: 'date', sort: function (i) { return docField(items[i].doc, 'created'); }, cell: function (i) { return docField(items[i].doc, 'created') || ''; } },
          { label: 'Modified', cls: 'date', sort: function (i) { return docField(items[i].doc, 'modified'); }, cell: function (i) { return docField(items[i].doc, 'modified') || ''; } }
        ]
      });
      node.appendChild(el('h3', null, 'Documents with metadata'));
      node.appendChild(docs.node);
      lists.push(docs);
    }
    // The report's documents section: counts, and tallies of {value, documents, items?}
    // where items (the documents carrying a rare value) are listed; unknown shapes as they come.
    function documentsSection(data) {
      if (!data || typeof data !== 'object' || Array.isArray(data)) return genericSection(data);
      const counts = [];
      const box = el('div', { class: 'tallies' });
      const rest = [];
      for (const k of Object.keys(data)) {
        const v = data[k];
        const title = k.charAt(0).toUpperCase() + k.slice(1).replace(/_/g, ' ');
        if (typeof v === 'number') {
          counts.push(num(v) + ' ' + k.replace(/_/g, ' '));
        } else if (Array.isArray(v) && v.every(isTallyEntry)) {
          if (v.length) box.appendChild(tallyEntries(title, v));
        } else if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every(function (x) { return typeof v[x] === 'number'; })) {
          const map = new Map(Object.keys(v).map(function (x) { return [x, v[x]]; }));
          let total = 0;
          for (const n of map.values()) total += n;
          box.appendChild(tally(title, map, total, rareDocValue));
        } else {
          rest.push([k, v]);
        }
      }
      return el('div', null, counts.length ? el('p', { class: 'status' }, counts.join(' · ')) : null, box,
        rest.length ? table(rest, 'kv') : null);
    }
    function isTallyEntry(x) {
      return x && typeof x === 'object' && x.value !== undefined &&
        (typeof x.documents === 'number' || typeof x.count === 'number' || typeof x.n === 'number');
    }
    function tallyEntries(title, entries) {
      const count = function (x) { return typeof x.documents === 'number' ? x.documents : typeof x.count === 'number' ? x.count : x.n; };
      return el('table', { class: 'list compact tally' },
        el('thead', null, el('tr', null, el('th', null, title), el('th', { class: 'num' }, 'Documents'))),
        el('tbody', null, entries.slice(0, 200).map(function (x) {
          const refs = Array.isArray(x.items) ? x.items.filter(isRef) : [];
          const rare = refs.length > 0 || x.rare === true;
          return el('tr', { class: rare ? 'unusual' : null },
            el('td', null, el('code', null, String(x.value)), rare ? el('span', { class: 'badge unusual' }, 'rare') : null,
              refs.length ? el('ul', { class: 'plain' }, refs.slice(0, 20).map(function (r) { return el('li', null, itemLink(r.path, r.locator)); })) : null),
            el('td', { class: 'num' }, num(count(x))));
        })));
    }

    // Duplicates and Message-ID conflicts.
    nav('sec-duplicates', 'Duplicates');
    const secDup = section('sec-duplicates', 'Duplicates and Message-ID conflicts');
    buildDuplicates(secDup);
    function buildDuplicates(node) {
      const conflicts = [];
      const dups = [];
      findings.forEach(function (f, fi) {
        if (f.c === 'message-id-conflict') conflicts.push(fi);
        else if (f.c === 'exact-duplicate') dups.push(fi);
      });
      node.appendChild(el('h3', null, 'Message-ID conflicts: ' + conflicts.length));
      node.appendChild(el('p', { class: 'intro' }, 'One Message-ID, different content: at most one of the copies is what was sent.'));
      if (!conflicts.length) node.appendChild(el('p', { class: 'muted' }, 'None.'));
      for (const fi of conflicts.slice(0, 200)) {
        const f = findings[fi];
        node.appendChild(el('div', { class: 'conflict' }, linkTo(f.i), findingCard(f)));
      }
      if (conflicts.length > 200) node.appendChild(el('p', { class: 'muted' }, '… ' + (conflicts.length - 200) + ' more in the ranked list (filter by message-id-conflict).'));
      node.appendChild(el('h3', null, 'Identical copies: ' + plural(dups.length, 'group')));
      node.appendChild(el('p', { class: 'intro' }, 'The same bytes at several places. Copies corroborate each other; a message copied byte for byte into another mailbox (no trace fields of its own) is worth a look.'));
      const dupView = ListView({
        noun: 'group',
        source: function () { return dups; },
        columns: [
          { label: 'SHA-256', sort: function (fi) { return String(findings[fi].e.sha256 || ''); }, cell: function (fi) { return el('code', { title: String(findings[fi].e.sha256 || '') }, String(findings[fi].e.sha256 || '').slice(0, 12) + '…'); } },
          { label: 'Kind', sort: function (fi) { return items[findings[fi].i].k; }, cell: function (fi) { return items[findings[fi].i].k; } },
          { label: 'Size', cls: 'num', desc: true, sort: function (fi) { return findings[fi].e.size; }, cell: function (fi) { return bytes(+findings[fi].e.size || 0); } },
          { label: 'Copies', cls: 'num', desc: true, sort: function (fi) { return findings[fi].e.count; }, cell: function (fi) { return num(findings[fi].e.count); } },
          {
            label: 'Where', cls: 'copies', sort: function (fi) { return items[findings[fi].i].p; }, cell: function (fi) {
              const copies = Array.isArray(findings[fi].e.copies) ? findings[fi].e.copies.filter(isRef) : [];
              return el('ul', { class: 'plain' }, copies.slice(0, 6).map(function (c) { return el('li', null, itemLink(c.path, c.locator)); }),
                copies.length > 6 ? el('li', { class: 'muted' }, '… ' + (copies.length - 6) + ' more') : null);
            }
          }
        ]
      });
      node.appendChild(dupView.node);
      lists.push(dupView);
    }

    // Errors and skipped entries.
    nav('sec-errors', 'Errors');
    const secErr = section('sec-errors', 'Errors and skipped entries');
    const errors = D.errors || [];
    const errView = ListView({
      noun: 'error',
      source: function () { return errors; },
      empty: 'No errors: every file was read.',
      columns: [
        { label: 'Path', cls: 'where', sort: function (x) { return x.p; }, cell: function (x) { return indexOfKey(x.p + '|' + (x.l || '')) >= 0 ? itemLink(x.p, x.l) : where(x.p, x.l); } },
        { label: 'Error', sort: function (x) { return x.e; }, cell: function (x) { return x.e; } }
      ]
    });
    secErr.appendChild(el('h3', null, 'Errors: ' + errors.length));
    secErr.appendChild(errView.node);
    lists.push(errView);
    const skipped = [];
    for (let i = 0; i < N; i++) if (items[i].k === 'symlink' || items[i].k === 'special') skipped.push(i);
    secErr.appendChild(el('h3', null, 'Skipped entries: ' + skipped.length));
    secErr.appendChild(el('p', { class: 'intro' }, 'Symbolic links are recorded with their target and never followed; FIFOs, sockets and devices are recorded and never opened.'));
    const skipView = ListView({
      noun: ['entry', 'entries'],
      source: function () { return skipped; },
      empty: 'None.',
      columns: [
        { label: 'Path', cls: 'where', sort: function (i) { return items[i].p; }, cell: function (i) { return linkTo(i); } },
        { label: 'Kind', sort: function (i) { return items[i].k; }, cell: function (i) { return items[i].sp ? items[i].k + ' (' + items[i].sp + ')' : items[i].k; } },
        { label: 'Target', sort: function (i) { return items[i].lt; }, cell: function (i) { return items[i].lt || ''; } }
      ]
    });
    secErr.appendChild(skipView.node);
    lists.push(skipView);

    // The check catalogue.
    nav('sec-checks', 'Checks');
    const secChecks = section('sec-checks', 'Check catalogue');
    for (const c of checks) {
      const n = D.summary && D.summary.findings_by_check ? D.summary.findings_by_check[c.id] || 0 : 0;
      const show = el('button', { type: 'button', disabled: n === 0 }, n ? 'Show its ' + plural(n, 'finding') : 'No findings');
      show.addEventListener('click', function () {
        resetFilters();
        state.check = checkSel.value = c.id;
        apply();
        doc.getElementById('sec-ranked').scrollIntoView({ block: 'start' });
      });
      secChecks.appendChild(el('article', { class: 'checkdoc', id: 'check-' + c.id },
        el('h3', null, el('code', null, c.id), ' ', sevBadge(c.severity), el('span', { class: 'muted' }, ' ' + c.scope + ' check'), ' ', show),
        el('p', { class: 'summary' }, c.summary),
        el('details', null, el('summary', null, 'How it works, false positives, tolerances'), markdown(c.doc))));
    }

    // All items.
    nav('sec-items', 'All items');
    const secItems = section('sec-items', 'All items');
    const kinds = new Map();
    for (let i = 0; i < N; i++) kinds.set(items[i].k, (kinds.get(items[i].k) || 0) + 1);
    kindSel = el('select', { 'aria-label': 'Kind' }, el('option', { value: '' }, 'all kinds'),
      Array.from(kinds.entries()).sort(function (a, b) { return b[1] - a[1]; }).map(function (kv) { return el('option', { value: kv[0] }, kv[0] + ' (' + kv[1] + ')'); }));
    kindSel.addEventListener('change', function () { state.kind = kindSel.value; apply(); });
    secItems.appendChild(el('p', { class: 'intro' }, 'Every file, message inside an mbox and attachment. The sender, search and date filters apply; ', kindSel));
    let allIndices = null;
    all = ListView({
      noun: 'item',
      cls: 'items',
      source: function () {
        if (!filtersActive()) {
          if (!allIndices) allIndices = Array.from({ length: N }, function (_, i) { return i; });
          return allIndices.slice();
        }
        const out = [];
        for (let i = 0; i < N; i++) if ((!state.kind || items[i].k === state.kind) && passesCommon(i)) out.push(i);
        return out;
      },
      total: function () { return N; },
      detail: detail,
      onToggle: onToggle,
      columns: [
        { label: 'Where', cls: 'where', sort: function (i) { return i; }, cell: function (i) { return where(items[i].p, items[i].l); } },
        { label: 'Kind', sort: function (i) { return items[i].k; }, cell: function (i) { return items[i].k; } },
        { label: 'Size', cls: 'num', desc: true, sort: function (i) { return items[i].n; }, cell: function (i) { return bytes(items[i].n); } },
        { label: 'Date', cls: 'date', sort: function (i) { return items[i].e ? items[i].e.u : null; }, cell: function (i) { return dateCell(items[i].e); } },
        { label: 'From', cls: 'from', sort: function (i) { return items[i].e ? senderKey(items[i].e) : null; }, cell: function (i) { return cut(items[i].e ? items[i].e.f : ''); } },
        { label: 'Subject / name', cls: 'subject', sort: function (i) { return itemLabel(i).toLowerCase(); }, cell: function (i) { return cut(itemLabel(i)); } },
        { label: 'Score', cls: 'num', desc: true, sort: function (i) { return scoreOf.has(i) ? scoreOf.get(i) : null; }, cell: function (i) { return scoreOf.has(i) ? el('b', null, String(scoreOf.get(i))) : ''; } }
      ]
    });
    secItems.appendChild(all.node);
    secItems.appendChild(el('p', { class: 'printonly' }, plural(N, 'item') + ': the full list is in report.json next to this page.'));


  }

  // ---------------------------------------------------------------- filters, deep links, print

  function apply() {
    ranked.refresh();
    if (all) all.refresh();
    for (const v of lists) v.refresh();
    timeline.update();
    const parts = [];
    if (state.sev.size !== SEVERITIES.length) parts.push('severity ' + Array.from(state.sev).join('/'));
    if (state.check) parts.push('check ' + state.check);
    if (state.sender) parts.push('sender ' + state.sender);
    if (state.q) parts.push('“' + state.q + '”');
    if (state.from || state.to) parts.push((state.from || '…') + ' to ' + (state.to || '…'));
    if (state.kind) parts.push('kind ' + state.kind);
    filterNote.textContent = parts.length ? 'Filtered: ' + parts.join(', ') : '';
    toolbar.classList.toggle('filtering', parts.length > 0);
  }

  function setHash(hash) {
    try {
      history.replaceState(null, '', hash || location.pathname + location.search);
    } catch (err) {
      // Some browsers refuse history changes on file:// pages; the hash then stays as it was.
    }
  }
  function onToggle(i, open) {
    if (open) setHash(itemHref(items[i].p, items[i].l));
    else if (location.hash.indexOf('#item=') === 0) setHash('');
  }

  function openFromHash() {
    const m = /^#item=(.*)$/.exec(location.hash);
    if (!m) {
      // A section or check anchor: it did not exist when the browser first looked.
      const target = location.hash.length > 1 ? doc.getElementById(location.hash.slice(1)) : null;
      if (target) target.scrollIntoView({ block: 'start' });
      return;
    }
    let key;
    try { key = decodeURIComponent(m[1]); } catch (err) { return; }
    const i = indexOfKey(key);
    if (i < 0) return;
    const list = rankOf.has(i) ? ranked : all;
    if (!list) return;
    if (!list.reveal(i)) {
      resetFilters();
      apply();
      list.reveal(i);
    }
  }
  window.addEventListener('hashchange', openFromHash);

  window.addEventListener('beforeprint', function () {
    for (const v of [ranked, senders].concat(lists)) if (v) { v.printing = true; v.render(); }
    Array.prototype.forEach.call(doc.querySelectorAll('details'), function (d) {
      if (!d.open) { d.open = true; d.setAttribute('data-print-opened', ''); }
    });
  });
  window.addEventListener('afterprint', function () {
    for (const v of [ranked, senders].concat(lists)) if (v) { v.printing = false; v.render(); }
    Array.prototype.forEach.call(doc.querySelectorAll('details[data-print-opened]'), function (d) {
      d.open = false;
      d.removeAttribute('data-print-opened');
    });
  });

  // ---------------------------------------------------------------- first render

  ranked.refresh();
  mark('first-screen');
  root.setAttribute('data-first-screen-ms', performance.now().toFixed(0));
  // Let the browser paint the first screen, then build the rest.
  requestAnimationFrame(function () {
    setTimeout(function () {
      lastMark = performance.now();
      buildRest();
      mark('views');
      senders.refresh();
      all.refresh();
      for (const v of lists) v.refresh();
      app.setAttribute('aria-busy', 'false');
      mark('lists');
      openFromHash();
      mark('deeplink');
      root.setAttribute('data-timings', JSON.stringify(timings));
      root.setAttribute('data-app-ms', (performance.now() - t0).toFixed(0));
      root.setAttribute('data-rendered-ms', performance.now().toFixed(0));
    }, 0);
  });
})();
