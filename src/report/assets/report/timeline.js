// Part 4 of 6: the timeline, an SVG of messages per day with flagged ones marked;
// dragging across it narrows the lists to a date range.

function buildTimeline() {
  const node = el('div', { class: 'timeline' });
  // Messages per UTC day, counted by the report writer: [[day number, messages, flagged], ...].
  const counts = D.days && Array.isArray(D.days.days) ? D.days : { days: [], undated: 0, emails: 0 };
  const entries = counts.days;
  const undated = +counts.undated || 0;
  const emails = +counts.emails || 0;
  let dated = 0;
  let flaggedCount = 0;
  for (const d of entries) { dated += d[1]; flaggedCount += d[2]; }
  if (!dated) {
    node.appendChild(el('p', { class: 'muted' }, emails ? 'No message has a usable Date.' : 'No messages in this dump.'));
    return { node: node, update: function () {} };
  }
  // A few absurd dates (1970, 2099) must not squash the chart: when 0.1% of the dates
  // at either end lie far outside the rest, they are left off (and counted).
  const trim = dated >= 1000 ? Math.floor(dated * 0.001) : 0;
  let lo = entries[0][0];
  let hi = entries[entries.length - 1][0];
  let innerLo = lo;
  let innerHi = hi;
  for (let k = 0, seen = 0; k < entries.length; k++) { seen += entries[k][1]; if (seen > trim) { innerLo = entries[k][0]; break; } }
  for (let k = entries.length - 1, seen = 0; k >= 0; k--) { seen += entries[k][1]; if (seen > trim) { innerHi = entries[k][0]; break; } }
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
  for (const d of entries) {
    const b = bin(d[0]);
    if (b < 0 || b >= nb) { outside += d[1]; continue; }
    total[b] += d[1];
    flg[b] += d[2];
  }
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
    plural(dated, 'dated message') + ', counted per ' + unit + ' (UTC), ' + dayStr(lo) + ' to ' + dayStr(hi) + '; ',
    el('span', { class: 'key flag' }, '■'), ' ' + plural(flaggedCount, 'flagged message') + ' (score above 0), marked ',
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
