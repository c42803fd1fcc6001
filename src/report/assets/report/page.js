// Part 6 of 6: the page itself: toolbar and filters, the ranked list, deep links,
// printing, and the first render.

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
    { label: 'Date', cls: 'date', sort: function (i) { const m = messageOf(i); return m >= 0 ? items[m].e.u : null; }, cell: function (i) { return dateCell(i); } },
    { label: 'From', cls: 'from', sort: function (i) { const m = messageOf(i); return m >= 0 ? senderKey(items[m].e) : null; }, cell: function (i) { return fromCell(i); } },
    { label: 'Subject / name', cls: 'subject', sort: function (i) { return itemLabel(i).toLowerCase(); }, cell: function (i) { return cut(itemLabel(i)); } },
    { label: 'Where', cls: 'where', sort: function (i) { return items[i].p; }, cell: function (i) { return el('span', { title: items[i].p + (items[i].l ? ' ' + items[i].l : '') }, where(items[i].p, items[i].l)); } }
  ]
});
secRanked.appendChild(ranked.node);
// Date and From of a message; of an attachment, those of the message carrying it (muted).
function dateCell(i) {
  const m = messageOf(i);
  if (m < 0) return '';
  const e = items[m].e;
  const shown = shownDate(e);
  if (!shown) return el('i', { class: 'muted' }, 'no Date');
  return el('span', { title: e.d || '', class: m === i ? null : 'muted' }, shown);
}
function fromCell(i) {
  const m = messageOf(i);
  if (m < 0) return '';
  const text = items[m].e.f || '';
  return el('span', { class: 'cut' + (m === i ? '' : ' muted'), title: m === i ? text : 'the message carrying it: ' + text }, text);
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
    decodeAll();
    mark('strings-all');
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
