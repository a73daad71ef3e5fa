// The ecograph report: hash routes over the data in #data and the diagrams in
// <template id="tpl-…">. User text only ever reaches the page as text nodes
// (textContent, append of strings) or as attributes we build; never as markup.
'use strict';
(function () {
  const D = JSON.parse(document.getElementById('data').textContent);
  const E = D.elements;
  const R = D.relations;
  const N = E.length;
  const byId = new Map();
  const outRel = [];
  const inRel = [];
  const kids = [];
  const inViews = [];
  for (let i = 0; i < N; i++) {
    byId.set(E[i].id, i);
    outRel.push([]);
    inRel.push([]);
    kids.push([]);
    inViews.push([]);
  }
  R.forEach((r, i) => {
    outRel[r.from].push(i);
    inRel[r.to].push(i);
  });
  E.forEach((e, i) => {
    if (e.parent !== undefined) kids[e.parent].push(i);
  });
  D.views.forEach((v, vi) => v.nodes.forEach((n) => inViews[n].push(vi)));

  let lang = D.lang;
  const UI = {
    en: {
      overview: 'Overview', views: 'Views', elements: 'Elements', schedule: 'Schedule',
      impact: 'Impact', language: 'Language', search: 'Search', kind: 'Kind',
      status: 'Status', tag: 'Tag', all: 'all', none: 'no status', results: 'results',
      more: 'and {n} more: refine the search', counts: 'Elements by kind',
      areas: 'Task status by area', id: 'Id', description: 'Description',
      properties: 'Properties', start: 'Start', end: 'End', tags: 'Tags',
      names: 'Names', contains: 'Contains', relations: 'Relations', appears: 'Appears in views',
      outgoing: 'outgoing', incoming: 'incoming', carries: 'carries', zoomIn: 'Zoom in',
      zoomOut: 'Zoom out', fit: 'Fit to screen', notFound: 'Not found',
      noSuch: 'Nothing here by that name: ', noImpact: 'This report has no impact analysis: generate it with --since OLD.json or --changes CHANGES.json.',
      changes: 'Changes', affected: 'Affected elements', confidence: 'Confidence',
      distance: 'Distance', path: 'Path', owners: 'Owners', element: 'Element',
      certain: 'certain', potential: 'potential', finish: 'Finish',
      critical: 'Critical path', conflicts: 'Conflicts', late: 'Late tasks',
      noToday: 'Give --today to list late tasks.', unscheduled: 'tasks without dates',
      noneFound: 'none', date: 'Date', lateDays: 'days late', diagrams: 'Diagrams',
      breadcrumbs: 'Containment', tooLarge: 'This view is too large to draw: ',
      filters: 'Filters', tasks: 'tasks', skip: 'Skip to content', missed: 'missed',
      summary: '{a} affected: {c} certain, {p} potential',
      not_started: 'not started', in_progress: 'in progress', done: 'done',
      blocked: 'blocked', cancelled: 'cancelled', nostatus: 'no status',
    },
    fi: {
      overview: 'Yleiskuva', views: 'Näkymät', elements: 'Elementit', schedule: 'Aikataulu',
      impact: 'Vaikutukset', language: 'Kieli', search: 'Haku', kind: 'Laji',
      status: 'Tila', tag: 'Tunniste', all: 'kaikki', none: 'ei tilaa', results: 'tulosta',
      more: 'ja {n} muuta: tarkenna hakua', counts: 'Elementit lajeittain',
      areas: 'Tehtävien tila alueittain', id: 'Tunnus', description: 'Kuvaus',
      properties: 'Ominaisuudet', start: 'Alku', end: 'Loppu', tags: 'Tunnisteet',
      names: 'Nimet', contains: 'Sisältää', relations: 'Suhteet', appears: 'Näkyy näkymissä',
      outgoing: 'lähtevät', incoming: 'saapuvat', carries: 'kuljettaa', zoomIn: 'Lähennä',
      zoomOut: 'Loitonna', fit: 'Sovita näyttöön', notFound: 'Ei löydy',
      noSuch: 'Tällä nimellä ei löydy mitään: ', noImpact: 'Raportissa ei ole vaikutusanalyysiä: tee se valitsimella --since VANHA.json tai --changes MUUTOKSET.json.',
      changes: 'Muutokset', affected: 'Vaikutuksen kohteet', confidence: 'Varmuus',
      distance: 'Etäisyys', path: 'Polku', owners: 'Omistajat', element: 'Elementti',
      certain: 'varma', potential: 'mahdollinen', finish: 'Valmistuminen',
      critical: 'Kriittinen polku', conflicts: 'Ristiriidat', late: 'Myöhässä olevat tehtävät',
      noToday: 'Anna --today, niin myöhässä olevat tehtävät luetellaan.', unscheduled: 'tehtävää ilman päivämääriä',
      noneFound: 'ei yhtään', date: 'Päivä', lateDays: 'päivää myöhässä', diagrams: 'Kaaviot',
      breadcrumbs: 'Sijainti', tooLarge: 'Näkymä on liian suuri piirrettäväksi: ',
      filters: 'Suodattimet', tasks: 'tehtävää', skip: 'Siirry sisältöön', missed: 'ohitettu',
      summary: '{a} kohdetta: {c} varmaa, {p} mahdollista',
      not_started: 'ei aloitettu', in_progress: 'käynnissä', done: 'valmis',
      blocked: 'estynyt', cancelled: 'peruttu', nostatus: 'ei tilaa',
    },
  };
  const t = (key) => (UI[lang] && UI[lang][key]) || UI.en[key] || key;
  const tx = (v) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (v[lang] !== undefined) return v[lang];
    if (v[D.lang] !== undefined) return v[D.lang];
    const first = Object.keys(v)[0];
    return first === undefined ? '' : v[first];
  };
  const name = (i) => tx(E[i].name) || E[i].id;

  // Builds an element; strings among the children become text nodes.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (typeof v === 'function') el.addEventListener(k, v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }
  const enc = encodeURIComponent;
  const elHref = (i) => '#/element/' + enc(E[i].id);
  const elLink = (i) => h('a', { href: elHref(i) }, name(i));
  const idLink = (id) => (byId.has(id) ? elLink(byId.get(id)) : h('code', {}, id));
  const viewHref = (vi) => '#/view/' + enc(D.views[vi].id);
  const fmt = (s, vars) => s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k]));

  // Accent- and case-insensitive form for search: "Työmarkkinatori" -> "tyomarkkinatori".
  const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  let hay = null;
  function haystack() {
    if (hay) return hay;
    hay = E.map((e) => {
      const parts = [e.id];
      if (typeof e.name === 'string') parts.push(e.name);
      else if (e.name) parts.push(...Object.values(e.name));
      return fold(parts.join('\u0001'));
    });
    return hay;
  }

  function route() {
    const raw = (location.hash || '#/').slice(1);
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    const parts = path.split('/').filter((p) => p !== '').map((p) => {
      try {
        return decodeURIComponent(p);
      } catch (_) {
        return p;
      }
    });
    return { parts, params };
  }

  const main = document.getElementById('main');
  const top = document.getElementById('top');

  function header(current) {
    const nav = [
      ['', 'overview'], ['views', 'views'], ['elements', 'elements'], ['schedule', 'schedule'],
    ];
    if (D.impact) nav.push(['impact', 'impact']);
    const links = nav.map(([p, key]) =>
      h('li', {}, h('a', { href: '#/' + p, 'aria-current': current === key ? 'page' : null }, t(key))));
    const parts = [h('a', { class: 'brand', href: '#/' }, D.title), h('nav', { 'aria-label': 'main' }, h('ul', {}, links))];
    if (D.languages.length > 1) {
      const sel = h('select', { id: 'lang', 'aria-label': t('language'), change: (ev) => setLang(ev.target.value) },
        D.languages.map((l) => h('option', { value: l, selected: l === lang }, l)));
      parts.push(h('label', { class: 'lang', for: 'lang' }, t('language') + ' '), sel);
    }
    top.replaceChildren(...parts);
    document.getElementById('skip').textContent = t('skip');
  }

  function setLang(l) {
    if (!D.languages.includes(l)) return;
    lang = l;
    document.documentElement.lang = l;
    render(false);
    const sel = document.getElementById('lang');
    if (sel) sel.focus();
  }

  function statusBar(counts, href) {
    const total = counts.reduce((a, c) => a + c[1], 0);
    const bar = h('div', { class: 'bar', role: 'list' });
    for (const [s, n] of counts) {
      if (n === 0) continue;
      const label = t(s) + ': ' + n;
      const seg = h('a', { class: 'seg s-' + s, href: href(s), role: 'listitem', title: label, 'aria-label': label }, String(n));
      seg.style.flexGrow = String(n);
      seg.style.flexBasis = (100 * n / total) + '%';
      bar.append(seg);
    }
    return bar;
  }

  // Top-level areas: the roots that hold tasks; one programme root gives its children.
  function areas() {
    const isTask = E.map((e) => e.kind === 'task');
    const hasTask = new Array(N).fill(false);
    for (let i = N - 1; i >= 0; i--) {
      if (isTask[i]) hasTask[i] = true;
    }
    // Children can precede parents in the file: propagate up along parent chains once.
    for (let i = 0; i < N; i++) {
      if (!hasTask[i]) continue;
      let p = E[i].parent;
      while (p !== undefined && !hasTask[p]) {
        hasTask[p] = true;
        p = E[p].parent;
      }
    }
    let list = [];
    for (let i = 0; i < N; i++) if (E[i].parent === undefined && hasTask[i]) list.push(i);
    while (list.length === 1) {
      const next = kids[list[0]].filter((k) => hasTask[k]);
      if (next.length === 0) break;
      list = next;
    }
    return list;
  }

  function subtreeStatus(root) {
    const counts = new Map(D.statuses.concat(['nostatus']).map((s) => [s, 0]));
    const stack = [root];
    while (stack.length) {
      const i = stack.pop();
      if (E[i].kind === 'task') {
        const s = E[i].status || 'nostatus';
        counts.set(s, counts.get(s) + 1);
      }
      for (const k of kids[i]) stack.push(k);
    }
    return [...counts.entries()];
  }

  function pageOverview() {
    const parts = [h('h1', {}, tx(D.name) || D.title)];
    if (D.desc) parts.push(h('p', { class: 'lead' }, tx(D.desc)));
    parts.push(h('h2', {}, t('counts')));
    parts.push(h('ul', { class: 'counts' }, Object.entries(D.counts).map(([k, n]) =>
      h('li', {}, h('a', { href: '#/elements?kind=' + enc(k) }, h('span', { class: 'n' }, String(n)), ' ', k)))));
    const list = areas();
    if (list.length) {
      parts.push(h('h2', {}, t('areas')));
      parts.push(h('ul', { class: 'legend' }, D.statuses.concat(['nostatus']).map((s) =>
        h('li', {}, h('span', { class: 'swatch s-' + s }), t(s)))));
      const table = h('div', { class: 'areas' });
      for (const a of list) {
        const counts = subtreeStatus(a);
        const total = counts.reduce((x, c) => x + c[1], 0);
        table.append(h('div', { class: 'area' },
          h('div', { class: 'area-name' }, elLink(a), h('span', { class: 'muted' }, ' ' + total + ' ' + t('tasks'))),
          statusBar(counts, (s) => '#/elements?kind=task&under=' + enc(E[a].id) + '&status=' + enc(s))));
      }
      parts.push(table);
    }
    if (D.views.length) {
      parts.push(h('h2', {}, t('views')));
      parts.push(viewList());
    }
    return parts;
  }

  function viewList() {
    return h('ul', { class: 'views' }, D.views.map((v, vi) => h('li', {}, h('a', { href: viewHref(vi) }, tx(v.title)))));
  }

  function pageViews() {
    return [h('h1', {}, t('views')), viewList()];
  }

  // Pan and zoom by the SVG's viewBox: wheel, drag, buttons and fit.
  function viewer(tplId, label) {
    const tpl = document.getElementById('tpl-' + tplId + '-' + lang) || document.getElementById('tpl-' + tplId + '-' + D.lang);
    if (!tpl) return h('p', {}, t('notFound'));
    const frag = tpl.content.cloneNode(true);
    const svg = frag.querySelector('svg');
    const box = h('div', { class: 'viewport', role: 'group', 'aria-label': label });
    if (!svg) return box;
    const vb0 = (svg.getAttribute('viewBox') || '0 0 100 100').split(/[\s,]+/).map(Number);
    let vb = vb0.slice();
    svg.setAttribute('width', '100%');
    svg.setAttribute('height', '100%');
    const apply = () => svg.setAttribute('viewBox', vb.join(' '));
    const zoom = (f, cx, cy) => {
      const w = vb[2] * f;
      const hh = vb[3] * f;
      if (w < vb0[2] / 40 || w > vb0[2] * 20) return;
      const px = cx === undefined ? vb[0] + vb[2] / 2 : cx;
      const py = cy === undefined ? vb[1] + vb[3] / 2 : cy;
      vb = [px - (px - vb[0]) * f, py - (py - vb[1]) * f, w, hh];
      apply();
    };
    const toSvg = (ev) => {
      const m = svg.getScreenCTM();
      if (!m) return [undefined, undefined];
      const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
      return [p.x, p.y];
    };
    box.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const [x, y] = toSvg(ev);
      zoom(Math.exp(Math.max(-100, Math.min(100, ev.deltaY)) * 0.002), x, y);
    }, { passive: false });
    let drag = null;
    let moved = false;
    box.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0) return;
      const m = svg.getScreenCTM();
      drag = { x: ev.clientX, y: ev.clientY, vb: vb.slice(), s: m ? m.a : 1 };
      moved = false;
    });
    box.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      const dx = ev.clientX - drag.x;
      const dy = ev.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!moved) box.setPointerCapture(ev.pointerId);
      moved = true;
      vb = [drag.vb[0] - dx / drag.s, drag.vb[1] - dy / drag.s, vb[2], vb[3]];
      apply();
    });
    const end = () => { drag = null; };
    box.addEventListener('pointerup', end);
    box.addEventListener('pointercancel', end);
    for (const g of svg.querySelectorAll('[data-id]')) {
      const id = g.getAttribute('data-id');
      if (!byId.has(id)) continue;
      const i = byId.get(id);
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'link');
      g.setAttribute('aria-label', name(i));
      const go = () => { location.hash = elHref(i); };
      g.addEventListener('click', (ev) => {
        ev.stopPropagation();
        if (!moved) go();
      });
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') go();
      });
    }
    box.append(frag);
    const tools = h('div', { class: 'tools' },
      h('button', { type: 'button', click: () => zoom(1 / 1.25) }, '+ ' + t('zoomIn')),
      h('button', { type: 'button', click: () => zoom(1.25) }, '\u2212 ' + t('zoomOut')),
      h('button', { type: 'button', click: () => { vb = vb0.slice(); apply(); } }, t('fit')));
    return h('div', { class: 'diagram' }, tools, box);
  }

  function pageView(id) {
    const vi = D.views.findIndex((v) => v.id === id);
    if (vi < 0) return notFound(id);
    const v = D.views[vi];
    const parts = [h('h1', {}, tx(v.title))];
    if (v.desc) parts.push(h('p', {}, tx(v.desc)));
    if (v.error) parts.push(h('p', { class: 'note' }, t('tooLarge') + v.error));
    else parts.push(viewer('v' + vi, tx(v.title)));
    return parts;
  }

  function pageElements(params) {
    const kinds = Object.keys(D.counts);
    const tags = [...new Set(E.flatMap((e) => e.tags || []))].sort();
    const state = {
      q: params.get('q') || '', kind: params.get('kind') || '', status: params.get('status') || '',
      tag: params.get('tag') || '', under: params.get('under') || '',
    };
    const input = h('input', { type: 'search', id: 'search', 'aria-label': t('search'), placeholder: t('search') + ' (/)', value: state.q, autocomplete: 'off' });
    const select = (key, options, labelOf) => h('label', {}, t(key) + ' ',
      h('select', { 'data-key': key }, h('option', { value: '' }, t('all')),
        options.map((o) => h('option', { value: o, selected: state[key] === o }, labelOf(o)))));
    const filters = h('div', { class: 'filters', role: 'group', 'aria-label': t('filters') },
      select('kind', kinds, (k) => k),
      select('status', D.statuses.concat(['nostatus']), (s) => t(s)),
      tags.length ? select('tag', tags, (x) => x) : null);
    const count = h('p', { class: 'muted', role: 'status' });
    const results = h('ol', { class: 'results' });
    let underSet = null;
    if (state.under && byId.has(state.under)) {
      underSet = new Set();
      const stack = [byId.get(state.under)];
      while (stack.length) {
        const i = stack.pop();
        underSet.add(i);
        for (const k of kids[i]) stack.push(k);
      }
    }
    const LIMIT = 200;
    const update = () => {
      const words = fold(state.q).split(/\s+/).filter((w) => w);
      const H = words.length ? haystack() : null;
      const hits = [];
      for (let i = 0; i < N; i++) {
        const e = E[i];
        if (state.kind && e.kind !== state.kind) continue;
        if (state.status && (e.status || 'nostatus') !== state.status) continue;
        if (state.tag && !(e.tags || []).includes(state.tag)) continue;
        if (underSet && !underSet.has(i)) continue;
        if (words.length && !words.every((w) => H[i].includes(w))) continue;
        hits.push(i);
      }
      if (words.length) {
        const q = words.join(' ');
        const rank = (i) => (fold(E[i].id) === q ? 0 : fold(name(i)).startsWith(q) ? 1 : 2);
        hits.sort((a, b) => rank(a) - rank(b) || a - b);
      }
      count.textContent = hits.length + ' ' + t('results');
      results.replaceChildren(...hits.slice(0, LIMIT).map((i) => h('li', {},
        elLink(i), ' ', h('span', { class: 'muted' }, E[i].kind + ' \u00b7 ', h('code', {}, E[i].id)),
        E[i].status ? h('span', { class: 'chip s-' + E[i].status }, t(E[i].status)) : null)));
      more.textContent = hits.length > LIMIT ? fmt(t('more'), { n: hits.length - LIMIT }) : '';
    };
    const more = h('p', { class: 'muted' });
    const save = () => {
      const p = new URLSearchParams();
      for (const k of ['q', 'kind', 'status', 'tag', 'under']) if (state[k]) p.set(k, state[k]);
      const s = p.toString();
      history.replaceState(null, '', '#/elements' + (s ? '?' + s : ''));
    };
    input.addEventListener('input', () => { state.q = input.value; save(); update(); });
    filters.addEventListener('change', (ev) => {
      const key = ev.target.getAttribute('data-key');
      if (key) { state[key] = ev.target.value; save(); update(); }
    });
    const parts = [h('h1', {}, t('elements')), h('div', { class: 'searchbar' }, input, filters)];
    if (underSet) parts.push(h('p', {}, t('breadcrumbs') + ': ', elLink(byId.get(state.under))));
    parts.push(count, results, more);
    update();
    return parts;
  }

  function dl(rows) {
    return h('dl', { class: 'facts' }, rows.filter((r) => r[1] !== null && r[1] !== undefined && r[1] !== '')
      .map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]));
  }

  function pageElement(id) {
    if (!byId.has(id)) return notFound(id);
    const i = byId.get(id);
    const e = E[i];
    const chain = [];
    for (let p = e.parent; p !== undefined; p = E[p].parent) chain.unshift(p);
    const parts = [];
    if (chain.length) {
      parts.push(h('nav', { class: 'crumbs', 'aria-label': t('breadcrumbs') },
        h('ol', {}, chain.map((p) => h('li', {}, elLink(p))), h('li', { 'aria-current': 'page' }, name(i)))));
    }
    parts.push(h('h1', {}, name(i)));
    const names = typeof e.name === 'object' && e.name !== null
      ? Object.entries(e.name).map(([l, v], k) => [k ? ' \u00b7 ' : '', h('span', { class: 'name', lang: l }, l + ': ' + v)]) : null;
    parts.push(dl([
      ['kind', e.kind], ['id', h('code', {}, e.id)],
      ['status', e.status ? h('span', { class: 'chip s-' + e.status }, t(e.status)) : null],
      ['start', e.start], ['end', e.end],
      ['names', names],
      ['tags', e.tags ? e.tags.map((x) => h('a', { class: 'tag', href: '#/elements?tag=' + enc(x) }, x)) : null],
    ]));
    if (e.desc) parts.push(h('h2', {}, t('description')), h('p', { class: 'desc' }, tx(e.desc)));
    if (e.props) {
      parts.push(h('h2', {}, t('properties')), h('table', { class: 'props' },
        h('tbody', {}, e.props.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v))))));
    }
    if (kids[i].length) {
      parts.push(h('h2', {}, t('contains')), h('ul', {}, kids[i].map((k) => h('li', {}, elLink(k), ' ', h('span', { class: 'muted' }, E[k].kind)))));
    }
    const groups = new Map();
    const add = (key, li) => {
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(li);
    };
    const extra = (r) => {
      const bits = [];
      if (r.label) bits.push(' \u201c' + tx(r.label) + '\u201d');
      if (r.data) bits.push(' (' + t('carries') + ' ', r.data.map((d, k) => [k ? ', ' : '', elLink(d)]), ')');
      return bits;
    };
    for (const ri of outRel[i]) {
      const r = R[ri];
      add(r.kind + '\u0000out', h('li', {}, '\u2192 ', elLink(r.to), extra(r)));
    }
    for (const ri of inRel[i]) {
      const r = R[ri];
      add(r.kind + '\u0000in', h('li', {}, '\u2190 ', elLink(r.from), extra(r)));
    }
    if (groups.size) {
      const sec = h('section', { class: 'relations', 'aria-label': t('relations') }, h('h2', {}, t('relations')));
      for (const key of [...groups.keys()].sort()) {
        const [kind, dir] = key.split('\u0000');
        sec.append(h('h3', {}, kind + ' (' + t(dir === 'out' ? 'outgoing' : 'incoming') + ')'),
          h('ul', { class: 'rel', 'data-kind': kind, 'data-dir': dir }, groups.get(key)));
      }
      parts.push(sec);
    }
    if (inViews[i].length) {
      parts.push(h('h2', {}, t('appears')), h('ul', {}, inViews[i].map((vi) => h('li', {}, h('a', { href: viewHref(vi) }, tx(D.views[vi].title))))));
    }
    return parts;
  }

  function pageSchedule() {
    const S = D.schedule;
    const parts = [h('h1', {}, t('schedule'))];
    if (!S || S.error) {
      parts.push(h('p', { class: 'note' }, S ? S.error : ''));
      return parts;
    }
    if (S.finish) parts.push(dl([['finish', [idLink(S.finish.task), ' ' + S.finish.date]]]));
    parts.push(h('h2', {}, t('critical')));
    parts.push(S.critical_path.length ? h('ol', { class: 'critical' }, S.critical_path.map((id) => h('li', {}, idLink(id)))) : h('p', {}, t('noneFound')));
    parts.push(h('h2', {}, t('conflicts')));
    parts.push(S.conflicts.length ? h('ul', {}, S.conflicts.map((c) => h('li', {},
      idLink(c.id), ' ' + c.date + ' \u2014 ' + c.kind + ' \u2014 ', idLink(c.other), ' ' + c.other_date))) : h('p', {}, t('noneFound')));
    parts.push(h('h2', {}, t('late')));
    if (!S.today) parts.push(h('p', { class: 'muted' }, t('noToday')));
    else if (!S.overdue.length) parts.push(h('p', {}, t('noneFound')));
    else {
      parts.push(h('table', {}, h('thead', {}, h('tr', {}, [t('element'), t('status'), t('missed'), t('date'), t('lateDays')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, S.overdue.map((o) => h('tr', {}, h('td', {}, idLink(o.id)), h('td', {}, o.status ? t(o.status) : t('nostatus')),
          h('td', {}, o.missed), h('td', {}, o.date), h('td', { class: 'num' }, String(o.late_days)))))));
    }
    if (S.unscheduled) parts.push(h('p', { class: 'muted' }, S.unscheduled + ' ' + t('unscheduled')));
    if (S.gantt) parts.push(h('h2', {}, 'Gantt'), viewer('gantt', 'Gantt'));
    return parts;
  }

  // The witness path's last hops, nearest the change first: `path` when the analysis
  // wrote it, else the `via` hop of the element and of each element it came through.
  const PATH_HOPS = 12;
  function witness(a, byAffected) {
    if (Array.isArray(a.path)) return [a.path.slice(-PATH_HOPS), a.path.length > PATH_HOPS || a.path_truncated === true];
    const hops = [];
    let cur = a;
    while (cur && cur.via) {
      if (hops.length === PATH_HOPS) return [hops.reverse(), true];
      hops.push(cur.via);
      const prev = byAffected.get(cur.via.from);
      if (prev === cur) break;
      cur = prev;
    }
    return [hops.reverse(), false];
  }

  function hopChain(a, byAffected) {
    const [path, cut] = witness(a, byAffected);
    const out = cut ? ['\u2026 '] : [];
    path.forEach((hop, k) => {
      if (k === 0) out.push(idLink(hop.from));
      const arrow = hop.direction === 'backward' ? ' \u2190' + hop.relation + '\u2500 ' : ' \u2500' + hop.relation + '\u2192 ';
      out.push(h('span', { class: 'muted' }, arrow), idLink(hop.to));
    });
    return out;
  }

  function pageImpact() {
    const I = D.impact;
    const parts = [h('h1', {}, t('impact'))];
    if (!I) {
      parts.push(h('p', {}, t('noImpact')));
      return parts;
    }
    parts.push(h('p', { class: 'lead' }, fmt(t('summary'), { a: I.summary.affected, c: I.summary.certain, p: I.summary.potential })));
    parts.push(h('h2', {}, t('changes')));
    parts.push(h('ul', {}, I.changes.map((c) => {
      let what;
      if (c.element !== undefined) what = [idLink(c.element), c.kind ? ' (' + c.kind + ')' : ''];
      else if (c.relation) what = [c.relation.kind || '', ' ', c.relation.from ? idLink(c.relation.from) : (c.relation.id || ''), c.relation.to ? [' \u2192 ', idLink(c.relation.to)] : ''];
      else what = JSON.stringify(c);
      return h('li', {}, h('span', { class: 'chip c-' + c.change }, c.change), ' ', what, c.by ? ' +' + c.by : '');
    })));
    parts.push(h('h2', {}, t('affected')));
    const LIMIT = 1000;
    const byAffected = new Map(I.affected.map((a) => [a.id, a]));
    const rows = I.affected.slice(0, LIMIT).map((a) => h('tr', {},
      h('td', {}, idLink(a.id), ' ', h('span', { class: 'muted' }, a.kind)),
      h('td', {}, h('span', { class: 'chip c-' + a.confidence }, t(a.confidence))),
      h('td', { class: 'num' }, String(a.distance)),
      h('td', { class: 'path' }, hopChain(a, byAffected)),
      h('td', {}, (a.owners || []).map((o, k) => [k ? ', ' : '', idLink(typeof o === 'string' ? o : o.id)]))));
    parts.push(h('table', { class: 'affected' },
      h('thead', {}, h('tr', {}, [t('element'), t('confidence'), t('distance'), t('path'), t('owners')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows)));
    if (I.affected.length > LIMIT) parts.push(h('p', { class: 'muted' }, fmt(t('more'), { n: I.affected.length - LIMIT })));
    if (I.diagrams && I.diagrams.length) {
      parts.push(h('h2', {}, t('diagrams')));
      for (const vi of I.diagrams) {
        parts.push(h('h3', {}, h('a', { href: viewHref(vi) }, tx(D.views[vi].title))), viewer('i' + vi, tx(D.views[vi].title)));
      }
    }
    return parts;
  }

  function notFound(what) {
    return [h('h1', {}, t('notFound')), h('p', {}, t('noSuch'), h('code', {}, what))];
  }

  function render(focus) {
    const { parts, params } = route();
    let page;
    let current = '';
    switch (parts[0]) {
      case undefined: page = pageOverview(); current = 'overview'; break;
      case 'views': page = pageViews(); current = 'views'; break;
      case 'view': page = pageView(parts.slice(1).join('/')); current = 'views'; break;
      case 'elements': page = pageElements(params); current = 'elements'; break;
      case 'element': page = pageElement(parts.slice(1).join('/')); current = 'elements'; break;
      case 'schedule': page = pageSchedule(); current = 'schedule'; break;
      case 'impact': page = pageImpact(); current = 'impact'; break;
      default: page = notFound(location.hash);
    }
    header(current);
    main.replaceChildren(...page);
    const h1 = main.querySelector('h1');
    document.title = (h1 ? h1.textContent + ' \u2013 ' : '') + D.title;
    if (focus) {
      const search = current === 'elements' && parts[0] === 'elements' ? document.getElementById('search') : null;
      if (search && pendingSearchFocus) search.focus();
      else main.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    }
    pendingSearchFocus = false;
  }

  let pendingSearchFocus = false;
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const a = document.activeElement;
    if (a && (a.tagName === 'INPUT' || a.tagName === 'SELECT' || a.tagName === 'TEXTAREA' || a.isContentEditable)) return;
    ev.preventDefault();
    const search = document.getElementById('search');
    if (search) search.focus();
    else {
      pendingSearchFocus = true;
      location.hash = '#/elements';
    }
  });
  window.addEventListener('hashchange', () => render(true));
  render(false);
})();
