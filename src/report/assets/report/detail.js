// Part 3 of 6: sender statistics and the evidence panel of one item.

// ---------------------------------------------------------------- senders

function senderStats() {
  return lazy('senders', function () {
    const map = new Map();
    const names = new Map(); // display name of each distinct From, computed once
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
        let name = names.get(e.f);
        if (name === undefined) names.set(e.f, (name = e.f.replace(/\s*<[^>]*>$/, '')));
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
    f.e && typeof f.e === 'object' ? table(Object.keys(f.e).map(function (k) { return [k, f.e[k]]; }), 'evidence') :
      el('p', { class: 'muted' }, 'The evidence of items ranked below 5,000 is in report.json, not on this page.'));
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
  const profile = profileOf(key);
  if (profile && e.fp) return profileComparison(e, profile);
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
  return el('section', { class: 'compare' },
    el('h4', null, 'Compared with the sender\'s other mail (' + plural(s.n, 'message') + ' from ' + key + ')'),
    el('table', { class: 'list compact' },
      el('thead', null, el('tr', null, el('th', null, ''), el('th', null, 'This message'), el('th', null, 'Sender\'s usual'), el('th', null, 'Messages like this'))),
      el('tbody', null, body)),
    profile ? el('details', null, el('summary', null, 'Sender profile from the report'), value(profile, 'profile')) : null);
}

// This message's fingerprint (email.fingerprint) next to the sender's profile from the
// report: each feature against the cluster of messages written with the same program,
// or against the whole profile when the program is new for this sender.
function profileComparison(e, profile) {
  const fp = e.fp;
  const clusters = Array.isArray(profile.clusters) ? profile.clusters : [];
  // A cluster of one or two messages is this message itself: compare with the whole profile then.
  const own = clusters.find(function (c) { return c && typeof c === 'object' && c.client === fp.client; }) || null;
  const cluster = own && +own.messages > 2 ? own : null;
  const whole = profile.features && typeof profile.features === 'object' ? profile.features : {};
  const ref = cluster && cluster.features && typeof cluster.features === 'object' ? cluster.features : whole;
  const total = cluster ? +cluster.messages || 0 : +profile.messages || 0;
  const names = Object.keys(fp);
  for (const k of Object.keys(ref)) if (names.indexOf(k) < 0) names.push(k);
  const body = names.map(function (name) {
    const here = fp[name] === undefined ? null : fp[name];
    // The client is judged against every message of the sender, the rest within the program's cluster.
    const tally = name === 'client' ? whole.client || {} : ref[name] || {};
    const n = name === 'client' ? +profile.messages || 0 : total;
    let top = null;
    let topN = 0;
    for (const v of Object.keys(tally)) if (typeof tally[v] === 'number' && tally[v] > topN) { top = v; topN = tally[v]; }
    // Profiles read time zones after daylight-saving rules; the message shows its zone as written.
    const comparable = name !== 'time_zone';
    const count = here !== null && typeof tally[here] === 'number' ? tally[here] : 0;
    const unusual = comparable && here !== null && n >= 5 && count <= 1;
    return el('tr', { class: unusual ? 'unusual' : null },
      el('th', null, name.replace(/_/g, ' ')),
      el('td', null, here === null ? el('i', { class: 'muted' }, 'none') : el('code', null, here)),
      el('td', null, top === null ? '' : [el('code', null, top), el('div', { class: 'muted' }, topN + ' of ' + n)]),
      el('td', null, comparable ? count + ' of ' + n : el('span', { class: 'muted' }, 'see the zones, summer time applied'),
        unusual ? el('span', { class: 'badge unusual' }, 'unusual') : null));
  });
  const scope = cluster ? plural(total, 'message') + ' written with ' + fp.client :
    'all ' + plural(total, 'message') + '; ' + (!fp.client ? 'no program named' :
      own ? fp.client + ' wrote only ' + plural(+own.messages || 0, 'message') + ' of them' : fp.client + ' is new for this sender');
  return el('section', { class: 'compare' },
    el('h4', null, 'Compared with the sender\'s profile (' + String(profile.sender || '') + ': ' + scope + ')'),
    el('table', { class: 'list compact' },
      el('thead', null, el('tr', null, el('th', null, 'Feature'), el('th', null, 'This message'), el('th', null, 'Sender\'s usual'), el('th', null, 'Messages like this'))),
      el('tbody', null, body)),
    el('details', null, el('summary', null, 'The whole profile'), value(profile, 'profile')));
}

function dkimTable(e) {
  return el('section', null, el('h4', null, 'DKIM'),
    el('table', { class: 'list compact dkim' },
      el('thead', null, el('tr', null, el('th', null, 'Domain (d=)'), el('th', null, 'Selector (s=)'), el('th', null, 'Body hash'), el('th', null, 'Signature'), el('th', null, 'Detail'))),
      el('tbody', null, e.dk.map(function (d) {
        return el('tr', null, el('td', null, d.d || ''), el('td', null, d.s || ''),
          el('td', null, el('span', { class: 'result r-' + d.bh }, d.bh)),
          el('td', null, el('span', { class: 'result r-' + d.sig }, d.sig)),
          el('td', null, d.why || ''));
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
