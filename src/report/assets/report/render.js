// Part 2 of 6: shared renderers (links, badges, Markdown, any JSON value as text) and
// the paginated, sortable list used by every table.

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
