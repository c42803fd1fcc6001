// Part 5 of 6: the sections below the first screen, built once it has been painted:
// senders, domains, documents, duplicates, errors, the check catalogue, all items.

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
  // With sender profiles in the report, outliers are what its checks found: the sender's
  // messages flagged by the profile or client-fingerprint checks.
  const OUTLIER_CHECKS = ['sender-profile-outlier', 'mailer-fingerprint-mismatch'];
  function outliersOf(s) {
    const p = profileOf(s.key);
    if (!p) return s.outliers;
    const n = countOf(p.outliers);
    if (n !== null) return n;
    if (s.profileOutliers === undefined) {
      s.profileOutliers = s.items.filter(function (i) {
        return (findingsOf.get(i) || []).some(function (fi) { return OUTLIER_CHECKS.indexOf(findings[fi].c) >= 0; });
      });
    }
    return s.profileOutliers.length;
  }
  function clustersSorted(s) {
    return Array.from(s.clusters.values()).sort(function (a, b) { return b.n - a.n || (a.key < b.key ? -1 : 1); });
  }
  function clusterChips(s) {
    const p = profileOf(s.key);
    if (p && Array.isArray(p.clusters)) return profileChips(p);
    const list = clustersSorted(s);
    return el('span', null, list.slice(0, 3).map(function (c) {
      return el('span', { class: 'chip' + (c.outlier ? ' outlier' : ''), title: c.key }, c.key.length > 48 ? c.key.slice(0, 47) + '…' : c.key, ' ×' + c.n);
    }), list.length > 3 ? ' +' + (list.length - 3) : null);
  }
  // The clusters of a profile from the report: their label and size, whatever the exact shape.
  function profileChips(p) {
    return el('span', { title: 'clusters from the report\'s profile' }, p.clusters.slice(0, 4).map(function (c) {
      const label = c && typeof c === 'object' ? firstOf(c, ['label', 'name', 'key', 'client', 'program', 'id']) : c;
      const n = c && typeof c === 'object' ? firstOf(c, ['messages', 'count', 'n', 'size']) : null;
      const text = label === null ? 'cluster' : String(label);
      return el('span', { class: 'chip' + (c && c.outlier ? ' outlier' : ''), title: text }, text.length > 48 ? text.slice(0, 47) + '…' : text, n === null ? '' : ' ×' + n);
    }), p.clusters.length > 4 ? ' +' + (p.clusters.length - 4) : null);
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
    const domains = sections.domains;
    if (Array.isArray(domains) && domains.every(function (d) { return d && typeof d.domain === 'string'; })) {
      secDomains.appendChild(el('p', { class: 'intro' }, 'The report\'s profiles of sending domains: the programs their people write with. ' +
        'A message from a domain\'s address that matches none of them is worth a look even when its sender is new.'));
      const bySender = Array.from(senderStats().values());
      const ofDomain = function (d) {
        return lazyDomain(d.domain, function () {
          return bySender.filter(function (s) { return s.key.slice(s.key.lastIndexOf('@') + 1) === d.domain.toLowerCase(); });
        });
      };
      const view = ListView({
        noun: 'domain',
        source: function () { return domains; },
        key: function (d) { return d.domain; },
        detail: function (d) { return el('div', { class: 'detail' }, value(d, 'domain')); },
        columns: [
          { label: 'Domain', cls: 'from', sort: function (d) { return d.domain; }, cell: function (d) { return cut(d.domain); } },
          { label: 'Messages', cls: 'num', desc: true, sort: function (d) { return +d.messages || 0; }, cell: function (d) { return num(d.messages); } },
          { label: 'Senders', cls: 'num', desc: true, sort: function (d) { return ofDomain(d).length; }, cell: function (d) { return num(ofDomain(d).length); } },
          { label: 'Flagged', cls: 'num', desc: true, sort: function (d) { return flaggedOf(d); }, cell: function (d) { const n = flaggedOf(d); return n ? el('b', { class: 'flagged' }, num(n)) : '0'; } },
          { label: 'Clusters', cls: 'clusters', sort: function (d) { return Array.isArray(d.clusters) ? d.clusters.length : 0; }, cell: function (d) { return Array.isArray(d.clusters) ? profileChips(d) : ''; } }
        ]
      });
      const flaggedOf = function (d) { return ofDomain(d).reduce(function (n, s) { return n + s.flagged; }, 0); };
      view.refresh();
      secDomains.appendChild(view.node);
    } else {
      secDomains.appendChild(genericSection(domains));
    }
  }
  function lazyDomain(domain, build) { return lazy('domain:' + domain, build); }
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
      cls: 'items docs',
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
    // The schema's order first (the object may come sorted by name).
    const ORDER = ['items', 'distinct', 'authors', 'last_editors', 'companies', 'applications', 'producers', 'scripts'];
    const keys = ORDER.filter(function (k) { return k in data; })
      .concat(Object.keys(data).filter(function (k) { return ORDER.indexOf(k) < 0; }));
    for (const k of keys) {
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
    // Evidence is absent for items ranked below the embedding limit.
    const ev = function (fi) { return findings[fi].e || {}; };
    const dupView = ListView({
      noun: 'group',
      source: function () { return dups; },
      columns: [
        { label: 'SHA-256', sort: function (fi) { return String(ev(fi).sha256 || ''); }, cell: function (fi) { return el('code', { title: String(ev(fi).sha256 || '') }, String(ev(fi).sha256 || '').slice(0, 12) + '…'); } },
        { label: 'Kind', sort: function (fi) { return items[findings[fi].i].k; }, cell: function (fi) { return items[findings[fi].i].k; } },
        { label: 'Size', cls: 'num', desc: true, sort: function (fi) { return ev(fi).size; }, cell: function (fi) { return bytes(+ev(fi).size || 0); } },
        { label: 'Copies', cls: 'num', desc: true, sort: function (fi) { return ev(fi).count; }, cell: function (fi) { return num(ev(fi).count); } },
        {
          label: 'Where', cls: 'copies', sort: function (fi) { return items[findings[fi].i].p; }, cell: function (fi) {
            const copies = Array.isArray(ev(fi).copies) ? ev(fi).copies.filter(isRef) : [];
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
      { label: 'Date', cls: 'date', sort: function (i) { const m = messageOf(i); return m >= 0 ? items[m].e.u : null; }, cell: function (i) { return dateCell(i); } },
      { label: 'From', cls: 'from', sort: function (i) { const m = messageOf(i); return m >= 0 ? senderKey(items[m].e) : null; }, cell: function (i) { return fromCell(i); } },
      { label: 'Subject / name', cls: 'subject', sort: function (i) { return itemLabel(i).toLowerCase(); }, cell: function (i) { return cut(itemLabel(i)); } },
      { label: 'Score', cls: 'num', desc: true, sort: function (i) { return scoreOf.has(i) ? scoreOf.get(i) : null; }, cell: function (i) { return scoreOf.has(i) ? el('b', null, String(scoreOf.get(i))) : ''; } }
    ]
  });
  secItems.appendChild(all.node);
  secItems.appendChild(el('p', { class: 'printonly' }, plural(N, 'item') + ': the full list is in report.json next to this page.'));

}
