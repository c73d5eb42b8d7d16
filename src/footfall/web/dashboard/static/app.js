// Footfall dashboard, details and live pages: read Stats API v2 results from the page's JSON
// endpoints and draw them. Visitor data is only ever inserted with textContent /
// createElement, never as HTML (the helpers in ui.js, shared with the product pages).

import {
  API, HOME, app, busy, countryName, dateRange, drawChart, el, encodeFilter, formatMetric,
  getJSON, human, numeric, parseFilter, periodControl, rangeDays, showError,
} from './ui.js';

const METRICS = [
  ['visitors', 'Unique visitors'], ['visits', 'Total visits'], ['pageviews', 'Total pageviews'],
  ['views_per_visit', 'Views per visit'], ['bounce_rate', 'Bounce rate'],
  ['visit_duration', 'Visit duration'],
];
const LOWER_IS_BETTER = new Set(['bounce_rate']);
const PANELS = [
  { title: 'Pages', tabs: [['Top pages', 'event:page'], ['Entry pages', 'visit:entry_page'], ['Exit pages', 'visit:exit_page']] },
  { title: 'Sources', tabs: [['Sources', 'visit:source'], ['Referrers', 'visit:referrer'], ['Channels', 'visit:channel'], ['UTM', 'utm']] },
  { title: 'Locations', tabs: [['Countries', 'visit:country'], ['Regions', 'visit:region'], ['Cities', 'visit:city']] },
  { title: 'Devices', tabs: [['Browsers', 'browsers'], ['OS', 'systems'], ['Devices', 'visit:device'], ['Screens', 'visit:screen']] },
  { title: 'Goals', tabs: [['Goals', 'event:goal'], ['Properties', 'props']], goals: true },
  { title: 'Hostnames', tabs: [['Hostnames', 'event:hostname']] },
];
// Tabs that hold several dimensions show a select; 'props' lists the site's property keys.
const CHOICES = {
  utm: [['UTM medium', 'visit:utm_medium'], ['UTM source', 'visit:utm_source'], ['UTM campaign', 'visit:utm_campaign'], ['UTM term', 'visit:utm_term'], ['UTM content', 'visit:utm_content']],
  browsers: [['Browsers', 'visit:browser'], ['Browser versions', 'visit:browser_version']],
  systems: [['Operating systems', 'visit:os'], ['OS versions', 'visit:os_version']],
};
const LABELS = Object.fromEntries([...PANELS.flatMap((p) => p.tabs), ...Object.values(CHOICES).flat()].map(([label, dim]) => [dim, label]));

// ---- state in the URL ---------------------------------------------------------------------

function readState() {
  const p = new URLSearchParams(location.search);
  return {
    period: p.get('period') || '30d',
    from: p.get('from') || '',
    to: p.get('to') || '',
    compare: p.get('compare') || '',
    metric: p.get('metric') || 'visitors',
    unit: p.get('unit') || '',
    prop: p.get('prop') || '',
    dim: p.get('dim') || '',
    filters: p.getAll('f').map(parseFilter).filter((f) => f && f[0] === 'is').map(([, d, v]) => [d, v]),
  };
}

function stateQuery(state, extra = {}) {
  const p = new URLSearchParams();
  const s = { ...state, ...extra };
  if (s.period !== '30d') p.set('period', s.period);
  if (s.period === 'custom') { p.set('from', s.from); p.set('to', s.to); }
  for (const key of ['compare', 'unit', 'prop', 'dim']) if (s[key]) p.set(key, s[key]);
  if (s.metric !== 'visitors') p.set('metric', s.metric);
  for (const [d, v] of s.filters) p.append('f', encodeFilter('is', d, v));
  const q = p.toString();
  return q ? `?${q}` : '';
}

// Intervals that give a readable chart (and a small response) for each range.
function allowedUnits(state) {
  const days = rangeDays(state);
  if (days <= 2) return ['minute', 'hour'];
  if (days <= 62) return ['hour', 'day', 'week'];
  return ['day', 'week', 'month'];
}

function baseQuery(state, metrics, dimensions = [], extra = {}) {
  return {
    date_range: dateRange(state),
    metrics,
    dimensions,
    filters: state.filters.map(([d, v]) => ['is', d, [v]]),
    ...extra,
  };
}

const runQuery = (query) => getJSON('/query', { q: query });

// ---- the dashboard ------------------------------------------------------------------------

function filterLabel(dim) {
  if (dim.startsWith('event:props:')) return `Property ${dim.slice(12)}`;
  return LABELS[dim] || dim.split(':').pop();
}

function renderChips(state, onChange) {
  const box = document.getElementById('chips');
  box.replaceChildren();
  state.filters.forEach(([dim, value], i) => {
    const remove = () => onChange({ filters: state.filters.filter((_, j) => j !== i) });
    box.append(el('span', { class: 'chip' },
      el('span', { class: 'chip-dim', text: `${filterLabel(dim)} is ` }),
      el('strong', { text: value }),
      el('button', { type: 'button', class: 'chip-x', 'aria-label': `Remove filter ${filterLabel(dim)} is ${value}`, text: '×', onclick: remove })));
  });
  if (state.filters.length > 1) {
    box.append(el('button', { type: 'button', class: 'link', text: 'Clear all', onclick: () => onChange({ filters: [] }) }));
  }
}

function renderStats(state, result, onMetric) {
  const box = document.getElementById('stats');
  const row = result.results[0] || { metrics: METRICS.map(() => 0) };
  box.replaceChildren(...METRICS.map(([metric, label], i) => {
    const value = row.metrics[i];
    // No visitors in the earlier period (a new site): nothing to compare with, so no badge.
    const before = Boolean(row.comparison) && numeric(row.comparison.metrics[0]) > 0;
    const change = before ? row.comparison.change[i] : null;
    let badge = row.comparison && !before ? el('span', { class: 'change', title: 'No visits in the previous period to compare with', text: 'new' }) : null;
    if (change !== null && change !== undefined) {
      const good = LOWER_IS_BETTER.has(metric) ? change < 0 : change > 0;
      const arrow = change > 0 ? '↑' : change < 0 ? '↓' : '';
      const unit = metric === 'bounce_rate' ? ' pp' : '%';
      badge = el('span', { class: `change ${change === 0 ? '' : good ? 'up' : 'down'}`, title: 'Change against the previous period', text: `${arrow}${Math.abs(change)}${unit}` });
    }
    const selected = state.metric === metric;
    return el('button', { type: 'button', class: `stat${selected ? ' selected' : ''}`, 'aria-pressed': String(selected), onclick: () => onMetric(metric) },
      el('span', { class: 'stat-label', text: label }),
      el('strong', { class: 'stat-value', text: formatMetric(metric, value) }),
      badge);
  }));
  return row.metrics[0] || 0;
}

// Returns a function that draws the chart, so the caller can drop an answer that came too late.
async function loadChart(state, comparing) {
  const box = document.getElementById('chart');
  const unit = allowedUnits(state).includes(state.unit) ? state.unit : '';
  const extra = { include: { time_labels: true, ...(comparing ? { comparisons: { mode: state.compare } } : {}) } };
  const result = await runQuery(baseQuery(state, [state.metric], [unit ? `time:${unit}` : 'time'], extra));
  return () => drawSeries(box, state, comparing, unit, result);
}

function drawSeries(box, state, comparing, unit, result) {
  const labels = result.meta.time_labels || [];
  const byLabel = new Map(result.results.map((r) => [r.dimensions[0], r]));
  const series = [{ name: 'now', values: labels.map((l) => numeric(byLabel.get(l)?.metrics[0])) }];
  if (comparing) {
    series.push({ name: 'before', dashed: true, values: labels.map((l) => numeric(byLabel.get(l)?.comparison?.metrics[0])) });
  }
  const used = unit || guessUnit(labels);
  drawChart(box, labels, series, state.metric, used);
  const name = (METRICS.find(([m]) => m === state.metric) || [, state.metric])[1];
  box.setAttribute('aria-label', `${name} per ${used}, ${labels.length} points${comparing ? ', dashed: the earlier period' : ''}`);
}

const guessUnit = (labels) => (labels[0] && labels[0].length > 10 ? 'hour' : 'day');

function panelQuery(state, dim, limit, search) {
  const goals = dim === 'event:goal' || dim.startsWith('event:props:');
  const metrics = goals ? ['visitors', 'events'] : ['visitors'];
  if (dim === 'event:goal') metrics.push('conversion_rate', 'total_revenue');
  const query = baseQuery(state, metrics, [dim], { order_by: [['visitors', 'desc']], pagination: { limit, offset: 0 } });
  if (search) query.filters.push(['contains', dim, [search], { case_sensitive: false }]);
  if (goals && dim !== 'event:goal' && !state.filters.some(([d]) => d === 'event:goal')) {
    query.filters.push(['is_not', 'event:name', ['pageview']]);
  }
  return query;
}

function renderRows(list, result, dim, onFilter) {
  const top = Math.max(1, ...result.results.map((r) => numeric(r.metrics[0])));
  const metrics = result.query.metrics;
  list.replaceChildren(...result.results.map((row) => {
    const value = row.dimensions[0];
    const shown = dim === 'visit:country' ? countryName(value) : value;
    const bar = el('span', { class: 'bar-fill', 'aria-hidden': 'true' });
    bar.style.width = `${(100 * numeric(row.metrics[0])) / top}%`;
    const numbers = metrics.map((m, i) => el('span', { class: `num ${m}`, title: m.replace('_', ' '), text: formatMetric(m, row.metrics[i]) }));
    return el('li', {},
      el('button', { type: 'button', class: 'row', title: `Filter by ${value}`, onclick: () => onFilter(dim, value) },
        bar, el('span', { class: 'row-label', text: shown }), ...numbers));
  }));
}

function renderPanel(spec, state, onFilter) {
  const tabIndex = Number(sessionStorage.getItem(`tab:${spec.title}`) || 0);
  const body = el('ol', { class: 'rows', 'aria-live': 'polite' });
  const footer = el('div', { class: 'panel-foot' });
  const card = el('section', { class: 'card panel', 'aria-label': spec.title });
  const tabs = el('div', { class: 'tabs', role: 'tablist' });
  let select = null;

  async function choices(kind) {
    if (kind !== 'props') return CHOICES[kind];
    const { keys } = await getJSON('/props');
    return keys.map((k) => [k, `event:props:${k}`]);
  }

  let loads = 0;
  async function load(i) {
    const mine = ++loads; // a newer click wins over a slower earlier answer
    sessionStorage.setItem(`tab:${spec.title}`, String(i));
    [...tabs.children].forEach((t, j) => t.setAttribute('aria-selected', String(i === j)));
    let dim = spec.tabs[i][1];
    if (select) { select.remove(); select = null; }
    busy(body, true);
    try {
      if (dim === 'props' || CHOICES[dim]) {
        const kind = dim;
        const options = await choices(kind);
        if (mine !== loads) return;
        const saved = sessionStorage.getItem(`choice:${kind}`);
        select = el('select', { 'aria-label': `${spec.tabs[i][0]} breakdown`, class: 'choice', onchange: () => { sessionStorage.setItem(`choice:${kind}`, select.value); load(i); } },
          ...options.map(([label, value]) => el('option', { value, text: label })));
        if (options.some(([, value]) => value === saved)) select.value = saved;
        head.after(select);
        if (!options.length) {
          body.replaceChildren(el('li', { class: 'muted empty-row', text: 'No custom properties yet: send them with footfall(name, {props: {...}}).' }));
          footer.replaceChildren();
          return;
        }
        dim = select.value;
      }
      const result = await runQuery(panelQuery(state, dim, 9));
      if (mine !== loads) return;
      renderRows(body, result, dim, onFilter);
      if (!result.results.length) body.replaceChildren(el('li', { class: 'muted empty-row', text: 'Nothing here for this period.' }));
      const details = el('a', { class: 'details-link', href: `${HOME}/details${stateQuery(state, { dim })}`, text: 'Details →' });
      footer.replaceChildren(details);
    } catch (error) {
      body.replaceChildren(el('li', { class: 'error', text: error.message }));
    } finally {
      if (mine === loads) busy(body, false);
    }
  }

  spec.tabs.forEach(([label], i) => {
    tabs.append(el('button', { type: 'button', role: 'tab', class: 'tab', text: label, onclick: () => load(i) }));
  });
  const head = el('div', { class: 'panel-head' }, el('h2', { text: spec.title }), tabs);
  const cols = el('div', { class: 'panel-cols muted small', 'aria-hidden': 'true' }, el('span', { text: spec.goals ? 'Name' : 'Name' }), el('span', { text: spec.goals ? 'Visitors · Events · CR' : 'Visitors' }));
  card.append(head, cols, body, footer);
  load(Math.min(tabIndex, spec.tabs.length - 1));
  return card;
}

function dashboard() {
  let state = readState();
  const compare = document.getElementById('compare');
  const unit = document.getElementById('unit');

  function navigate(change) {
    state = { ...state, ...change };
    history.pushState(null, '', location.pathname + stateQuery(state));
    render();
  }

  function addFilter(dim, value) {
    const filters = state.filters.filter(([d]) => d !== dim);
    navigate({ filters: [...filters, [dim, value]] });
  }

  const showPeriod = periodControl(navigate, { unit: '' });
  compare.addEventListener('change', () => navigate({ compare: compare.value }));
  unit.addEventListener('change', () => navigate({ unit: unit.value }));
  window.addEventListener('popstate', () => { state = readState(); render(); });

  let renders = 0;
  async function render() {
    const mine = ++renders;
    showPeriod(state);
    compare.value = state.compare;
    const units = allowedUnits(state);
    for (const option of unit.options) option.disabled = Boolean(option.value) && !units.includes(option.value);
    unit.value = units.includes(state.unit) ? state.unit : '';
    renderChips(state, navigate);
    showError('');
    const comparing = Boolean(state.compare);
    document.getElementById('panels').replaceChildren(...PANELS.map((spec) => renderPanel(spec, state, addFilter)));
    const stats = document.getElementById('stats');
    const chart = document.getElementById('chart');
    busy(stats, true);
    busy(chart, true);
    try {
      const topQuery = baseQuery(state, METRICS.map(([m]) => m), [], { include: { comparisons: { mode: state.compare || 'previous_period' } } });
      const [top, draw] = await Promise.all([runQuery(topQuery), loadChart(state, comparing)]);
      if (mine !== renders) return;
      const visitors = renderStats(state, top, (metric) => navigate({ metric }));
      draw();
      document.getElementById('empty').hidden = visitors > 0 || state.filters.length > 0;
    } catch (error) {
      if (mine === renders) showError(error.message);
    } finally {
      if (mine === renders) { busy(stats, false); busy(chart, false); }
    }
  }

  render();
  pollCurrent();
}

async function pollCurrent() {
  const box = document.getElementById('current');
  try {
    const { current_visitors: n } = await getJSON('/realtime');
    box.textContent = human(n);
    document.getElementById('current-label').textContent = n === 1 ? 'current visitor' : 'current visitors';
  } catch { /* keep the last value */ }
  setTimeout(pollCurrent, 30000);
}

// ---- details ------------------------------------------------------------------------------

function details() {
  const state = readState();
  const dim = state.dim || 'event:page';
  const label = filterLabel(dim);
  document.getElementById('details-title').textContent = label;
  document.title = `${label} · ${document.title}`;
  document.getElementById('back').href = HOME + stateQuery(state, { dim: '' });
  renderChips(state, (change) => { location.search = stateQuery({ ...state, ...change }); });
  const goals = dim === 'event:goal' || dim.startsWith('event:props:');
  const metrics = goals ? null : ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'];
  const search = document.getElementById('search');
  const table = document.getElementById('table');
  const csv = document.getElementById('csv');
  let limit = 100;
  let timer = 0;

  let loads = 0;
  async function load() {
    const mine = ++loads; // typing fires several searches; only the latest answer is shown
    const query = panelQuery(state, dim, limit, search.value.trim());
    if (metrics) query.metrics = metrics;
    csv.href = `${API}/csv?q=${encodeURIComponent(JSON.stringify({ ...query, pagination: { limit: 10000, offset: 0 } }))}`;
    busy(table, true);
    try {
      const result = await runQuery(query);
      if (mine !== loads) return;
      const head = el('tr', {}, el('th', { scope: 'col', text: label }), ...result.query.metrics.map((m) => el('th', { scope: 'col', class: 'num', text: m.replace(/_/g, ' ') })));
      table.tHead.replaceChildren(head);
      table.tBodies[0].replaceChildren(...result.results.map((row) => el('tr', {},
        el('td', {}, el('a', { href: `${HOME}${stateQuery(state, { dim: '', filters: [...state.filters.filter(([d]) => d !== dim), [dim, row.dimensions[0]]] })}`, text: row.dimensions[0] })),
        ...row.metrics.map((v, i) => el('td', { class: 'num', text: formatMetric(result.query.metrics[i], v) })))));
      if (!result.results.length) table.tBodies[0].replaceChildren(el('tr', {}, el('td', { class: 'muted', text: 'No rows match.' })));
      document.getElementById('more-wrap').hidden = result.results.length < limit;
      showError('');
    } catch (error) {
      if (mine === loads) showError(error.message);
    } finally {
      if (mine === loads) busy(table, false);
    }
  }

  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(load, 250); });
  document.getElementById('more').addEventListener('click', () => { limit += 100; load(); });
  load();
}

// ---- live ---------------------------------------------------------------------------------

function live() {
  const body = document.querySelector('#feed tbody');
  const empty = document.getElementById('feed-empty');
  const seen = new Set();
  let since = new Date(Date.now() - 864e5).toISOString();

  let first = true;
  function row(event) {
    const time = new Date(event.timestamp);
    const place = [event.city, event.country].filter(Boolean).join(', ') || '—';
    const what = event.name === 'pageview' ? event.pathname : event.name;
    return el('tr', { class: first ? '' : 'fresh' },
      el('td', {}, el('time', { datetime: event.timestamp, text: time.toLocaleTimeString() })),
      el('td', {}, el('span', { class: event.name === 'pageview' ? 'tag' : 'tag event', text: event.name === 'pageview' ? 'page' : 'event' }), ' ', el('span', { class: 'what', text: what })),
      el('td', { text: place }),
      el('td', { text: [event.browser, event.device].filter(Boolean).join(' · ') || '—' }),
      el('td', { text: event.referrer_source || 'Direct / None' }));
  }

  async function poll() {
    if (document.hidden) { setTimeout(poll, 2000); return; } // no polling in background tabs
    try {
      const data = await getJSON('/live', { since });
      document.getElementById('current').textContent = human(data.current_visitors);
      const fresh = data.events.filter((e) => !seen.has(e.event_id));
      fresh.forEach((e) => seen.add(e.event_id));
      for (const event of fresh.reverse()) body.prepend(row(event));
      while (body.rows.length > 200) body.deleteRow(-1);
      if (data.events.length) since = data.events[0].timestamp;
      first = false;
      empty.hidden = body.rows.length > 0;
      const labels = data.minutes.labels;
      drawChart(document.getElementById('chart'), labels, [{ name: 'pageviews', values: labels.map((l) => data.minutes.values[l] || 0) }], 'pageviews', 'minute');
      showError('');
    } catch (error) {
      showError(error.message);
    }
    setTimeout(poll, 2000);
  }
  poll();
}

const PAGES = { dashboard, details, live };
if (app && PAGES[app.dataset.page]) PAGES[app.dataset.page]();
