// What the product pages share: their state in the URL (date range, cohort, filters and
// each page's own keys), the cohort selector, filter chips, the pickers' suggestions, step
// pickers and links to people. Built on ui.js; every visitor string goes in as text.

import {
  HOME, app, dateRange, el, encodeFilter, getJSON, parseFilter, periodControl, showError,
} from './ui.js';

export const OWNER = Boolean(app && app.dataset.role === 'owner');

// ---- state in the URL ---------------------------------------------------------------------

const COMMON = { period: '30d', from: '', to: '', cohort: '', f: [] };
const CARRIED = ['period', 'from', 'to', 'cohort']; // kept when moving between product tabs

function readState(defaults) {
  const p = new URLSearchParams(location.search);
  const state = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    state[key] = Array.isArray(fallback) ? p.getAll(key) : p.get(key) ?? fallback;
  }
  return state;
}

function writeState(state, defaults) {
  const p = new URLSearchParams();
  for (const [key, fallback] of Object.entries(defaults)) {
    const value = state[key];
    if (Array.isArray(fallback)) (value || []).forEach((v) => p.append(key, v));
    else if (value !== undefined && value !== null && value !== '' && value !== fallback) p.set(key, value);
  }
  if (state.period !== 'custom') { p.delete('from'); p.delete('to'); }
  const query = p.toString();
  return query ? `?${query}` : '';
}

// Carry the date range and cohort into the other product tabs' links (the range also
// into the dashboard's, which reads the same keys).
function linkTabs(state) {
  const query = (keys) => {
    const p = new URLSearchParams();
    for (const key of keys) if (state[key] && state[key] !== COMMON[key]) p.set(key, state[key]);
    if (state.period !== 'custom') { p.delete('from'); p.delete('to'); }
    return p.toString() ? `?${p}` : '';
  };
  document.querySelectorAll('a[data-product-tab]').forEach((a) => { a.search = query(CARRIED); });
  document.querySelectorAll('a[data-keep-query]').forEach((a) => { a.search = query(['period', 'from', 'to']); });
}

// A product page: `defaults` are its own URL keys; `render(state, navigate)` draws it.
// Returns `navigate(change, {replace})`, which records the change in the URL and redraws;
// `reset` is merged into any change of the range, cohort or filters (e.g. back to page 1).
export function productPage(defaults, render, reset = {}) {
  const keys = { ...COMMON, ...defaults };
  let state = readState(keys);
  const hasPeriod = Boolean(document.getElementById('period'));
  const showPeriod = hasPeriod ? periodControl((change) => navigate(change)) : () => {};
  const cohorts = cohortSelect((cohort) => navigate({ cohort }));
  const filters = filterBar(() => state, (f) => navigate({ f }));

  function navigate(change, { replace = false } = {}) {
    const broad = Object.keys(change).some((key) => key in COMMON);
    state = { ...state, ...(broad ? reset : {}), ...change };
    history[replace ? 'replaceState' : 'pushState'](null, '', location.pathname + writeState(state, keys));
    draw();
  }

  function draw() {
    showPeriod(state);
    cohorts.show(state.cohort);
    filters.show(state.f);
    linkTabs(state);
    showError('');
    render(state, navigate);
  }

  window.addEventListener('popstate', () => { state = readState(keys); draw(); });
  draw();
  return navigate;
}

// The parts every product query body shares.
export function common(state) {
  const body = { date_range: dateRange(state) };
  const filters = (state.f || []).map(parseFilter).filter(Boolean).map(([op, dim, value]) => [op, dim, [value]]);
  if (filters.length) body.filters = filters;
  if (state.cohort) body.cohort = Number(state.cohort);
  return body;
}

// ---- filters --------------------------------------------------------------------------------

const OP_TEXT = { is: 'is', is_not: 'is not', contains: 'contains' };

const NAMED = {
  'event:page': 'Page', 'event:name': 'Event', 'event:hostname': 'Hostname',
  'visit:country': 'Country', 'visit:region': 'Region', 'visit:city': 'City',
  'visit:browser': 'Browser', 'visit:browser_version': 'Browser version', 'visit:os': 'Operating system',
  'visit:os_version': 'OS version', 'visit:device': 'Device', 'visit:screen': 'Screen size',
};
export const EVENT_DIMS = ['event:page', 'event:name', 'event:hostname'];
export const VISIT_DIMS = ['visit:country', 'visit:region', 'visit:city', 'visit:browser', 'visit:os', 'visit:device', 'visit:screen'];

export function dimLabel(dim) {
  if (dim.startsWith('user:')) return `${dim.slice(5)} (trait)`;
  if (dim.startsWith('event:props:')) return `${dim.slice(12)} (property)`;
  return NAMED[dim] || dim;
}

// Fill a <select> with the product dimensions: traits, event properties, event and visit.
export function fillDimensions(select, options, { none = '', keep = '' } = {}) {
  const groups = [
    ['User traits', options.traits.map((k) => `user:${k}`)],
    ['Event properties', options.props.map((k) => `event:props:${k}`)],
    ['Event', EVENT_DIMS],
    ['Visit', VISIT_DIMS],
  ];
  const nodes = groups.filter(([, dims]) => dims.length).map(([label, dims]) => el('optgroup', { label },
    ...dims.map((dim) => el('option', { value: dim, text: dimLabel(dim) }))));
  const known = groups.flatMap(([, dims]) => dims);
  const extra = keep && !known.includes(keep) ? [el('option', { value: keep, text: dimLabel(keep) })] : [];
  select.replaceChildren(...(none ? [el('option', { value: '', text: none })] : []), ...extra, ...nodes);
  select.value = keep;
}

function filterBar(getState, onChange) {
  const chips = document.getElementById('chips');
  const toggle = document.getElementById('add-filter');
  const form = document.getElementById('filter-form');
  if (!chips || !toggle || !form) return { show() {} };
  const dim = form.querySelector('#filter-dim');
  const trait = form.querySelector('#filter-trait');
  const op = form.querySelector('#filter-op');
  const value = form.querySelector('#filter-value');
  siteOptions().then((options) => {
    fillDimensions(dim, options, { keep: dim.value || (options.traits.length ? `user:${options.traits[0]}` : 'event:page') });
    dim.append(el('option', { value: 'other', text: 'Another user trait…' }));
  });
  dim.addEventListener('change', () => { trait.closest('label').hidden = dim.value !== 'other'; });
  toggle.addEventListener('click', () => {
    form.hidden = !form.hidden;
    toggle.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) value.focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = dim.value === 'other' ? `user:${trait.value.trim()}` : dim.value;
    if (!chosen || chosen === 'user:' || !value.value) return;
    const raw = encodeFilter(op.value, chosen, value.value);
    const rest = getState().f.filter((f) => f !== raw);
    value.value = '';
    form.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
    onChange([...rest, raw]);
  });
  return {
    show(list) {
      chips.replaceChildren(...list.map((raw, i) => {
        const parsed = parseFilter(raw);
        if (!parsed) return null;
        const [o, d, v] = parsed;
        const text = `${dimLabel(d)} ${OP_TEXT[o]} `;
        return el('span', { class: 'chip' },
          el('span', { class: 'chip-dim', text }),
          el('strong', { text: v }),
          el('button', { type: 'button', class: 'chip-x', 'aria-label': `Remove filter ${text}${v}`, text: '×', onclick: () => onChange(list.filter((_, j) => j !== i)) }));
      }).filter(Boolean));
    },
  };
}

// ---- the cohort selector --------------------------------------------------------------------

let savedCohorts = null;
export function loadCohorts(fresh = false) {
  if (fresh || !savedCohorts) savedCohorts = getJSON('/product/cohorts').then((r) => r.results);
  return savedCohorts;
}

function cohortSelect(onChange) {
  const select = document.getElementById('cohort');
  if (!select) return { show() {} };
  let wanted = '';
  select.addEventListener('change', () => onChange(select.value));
  const fill = (list) => {
    const options = list.map((c) => el('option', { value: String(c.id), text: c.name }));
    if (wanted && !list.some((c) => String(c.id) === wanted)) options.push(el('option', { value: wanted, text: `Cohort #${wanted} (deleted)` }));
    select.replaceChildren(el('option', { value: '', text: 'Everyone' }), ...options);
    select.value = wanted;
  };
  loadCohorts().then(fill).catch(() => fill([]));
  return {
    show(cohort) {
      wanted = cohort || '';
      if (wanted && ![...select.options].some((o) => o.value === wanted)) select.append(el('option', { value: wanted, text: `Cohort #${wanted}` }));
      select.value = wanted;
    },
  };
}

// ---- suggestions: trait keys, property keys, event names, pages ------------------------------

let optionsPromise = null;
export function siteOptions() {
  if (!optionsPromise) {
    const names = (dim, metric) => getJSON('/query', {
      q: { date_range: '91d', metrics: [metric], dimensions: [dim], order_by: [[metric, 'desc']], pagination: { limit: 100, offset: 0 } },
    }).then((r) => r.results.map((row) => row.dimensions[0])).catch(() => []);
    optionsPromise = Promise.all([
      getJSON('/product/traits').then((r) => r.keys).catch(() => []),
      getJSON('/props').then((r) => r.keys).catch(() => []),
      names('event:name', 'events'),
      names('event:page', 'pageviews'),
    ]).then(([traits, props, events, pages]) => {
      const options = { traits, props, events: events.filter((n) => n && n !== 'pageview' && n !== 'engagement' && !n.startsWith('$')), pages };
      datalist('ff-events', options.events);
      datalist('ff-pages', options.pages);
      datalist('ff-traits', options.traits);
      return options;
    });
  }
  return optionsPromise;
}

function datalist(id, values) {
  const list = document.getElementById(id) || document.body.appendChild(el('datalist', { id }));
  list.replaceChildren(...values.map((value) => el('option', { value })));
}

// ---- steps: a page (path pattern with *) or a custom event ------------------------------------

// In the URL: `page:/pricing` or `event:Signup`.
export function encodeStep(step) {
  if (!step) return '';
  return step.page !== undefined ? `page:${step.page}` : `event:${step.event}`;
}

export function decodeStep(raw) {
  if (!raw) return null;
  if (raw.startsWith('page:')) return { page: raw.slice(5) };
  if (raw.startsWith('event:')) return { event: raw.slice(6) };
  return null;
}

export function stepLabel(step) {
  if (!step) return '';
  if (step.page !== undefined) return step.page;
  const props = Object.entries(step.props || {}).map(([k, v]) => `${k} = ${v}`);
  return props.length ? `${step.event} (${props.join(', ')})` : step.event;
}

// A kind select and a text input with suggestions. `anyLabel` adds an "anything" choice.
export function stepPicker(name, step, { anyLabel = '' } = {}) {
  const kind = el('select', { 'aria-label': `${name}: page or event` },
    ...(anyLabel ? [el('option', { value: '', text: anyLabel })] : []),
    el('option', { value: 'page', text: 'Page' }),
    el('option', { value: 'event', text: 'Event' }));
  const input = el('input', { 'aria-label': `${name}: page path (* matches anything) or event name`, autocomplete: 'off' });
  const sync = () => {
    input.hidden = kind.value === '';
    input.setAttribute('list', kind.value === 'page' ? 'ff-pages' : 'ff-events');
    input.placeholder = kind.value === 'page' ? '/pricing or /docs/*' : 'Signup';
  };
  kind.addEventListener('change', sync);
  const node = el('span', { class: 'step-pick' }, kind, input);
  const picker = {
    node,
    get() {
      const value = input.value.trim();
      if (!kind.value || !value) return null;
      return kind.value === 'page' ? { page: value } : { event: value };
    },
    set(s) {
      kind.value = s ? (s.page !== undefined ? 'page' : 'event') : anyLabel ? '' : 'page';
      input.value = s ? (s.page !== undefined ? s.page : s.event) : '';
      sync();
    },
  };
  picker.set(step);
  return picker;
}

// ---- people ---------------------------------------------------------------------------------

// A person's profile URL: the id is URL-encoded (ids hold '/', ':', spaces, anything).
export const personHref = (id) => `${HOME}/people/${encodeURIComponent(id)}`;
export const personLink = (id) => el('a', { class: 'person', href: personHref(id), text: id });

// A button that asks for a second click before `action` (no dialogs: they block the page).
export function confirmButton(label, confirmLabel, action, attrs = {}) {
  let armed = 0;
  const button = el('button', { type: 'button', class: 'link danger', text: label, ...attrs });
  button.addEventListener('click', () => {
    if (!armed) {
      button.textContent = confirmLabel;
      armed = setTimeout(() => { armed = 0; button.textContent = label; }, 5000);
      return;
    }
    clearTimeout(armed);
    armed = 0;
    action();
  });
  return button;
}

// Run a page function when this module's page is the one shown.
export function start(pages) {
  const page = app && pages[app.dataset.page];
  if (page) page();
}
