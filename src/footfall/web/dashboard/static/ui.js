// Helpers every dashboard page shares: number formats, DOM building, JSON requests, the
// date-range control and the SVG line chart. Anything that came from visitors is only
// ever inserted with textContent / createElement, never as HTML.

export const app = document.getElementById('app');
export const API = app ? app.dataset.api : '';
export const HOME = app ? app.dataset.home : '';

// ---- formatting -------------------------------------------------------------------------

export function human(n) {
  n = Number(n || 0);
  for (const [limit, suffix] of [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']]) {
    if (Math.abs(n) >= limit) {
      const s = n / limit;
      return (Math.abs(s) < 100 ? s.toFixed(1) : s.toFixed(0)).replace(/\.0$/, '') + suffix;
    }
  }
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function duration(seconds) {
  const t = Math.round(Number(seconds || 0));
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
  if (h >= 48) return `${Math.floor(h / 24)}d ${h % 24}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s}s`;
  return `${s}s`;
}

// A share (0..1) as a percentage with at most one decimal: 0.171 → "17.1%".
export const percent = (share) => `${Math.round(Number(share || 0) * 1000) / 10}%`;

export function formatMetric(metric, value) {
  if (value && typeof value === 'object') return value.short || '';
  if (value === null || value === undefined) return '—';
  if (metric === 'visit_duration' || metric === 'time_on_page') return duration(value);
  if (metric === 'bounce_rate' || metric === 'conversion_rate' || metric === 'percentage') return `${value}%`;
  if (metric === 'views_per_visit') return Number(value || 0).toFixed(2);
  return human(value);
}

// An ISO timestamp in the reader's time zone, e.g. "2 Dec 2026, 14:05".
export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

export const numeric = (v) => (v && typeof v === 'object' ? Number(v.value || 0) : Number(v || 0));

const REGIONS = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;
export function countryName(code) {
  try { return (/^[A-Z]{2}$/.test(code) && REGIONS && REGIONS.of(code)) || code; } catch { return code; }
}

// ---- DOM helpers --------------------------------------------------------------------------

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children) if (child != null && child !== false) node.append(child);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

// Loading state: dimmed for the eye, aria-busy for screen readers.
export function busy(node, on) {
  node.classList.toggle('loading', on);
  node.setAttribute('aria-busy', String(on));
}

export function showError(message) {
  const box = document.getElementById('error');
  if (!box) return;
  box.hidden = !message;
  box.textContent = message || '';
}

// A bar's width as a share of the widest (CSSOM, which the CSP allows; style="" it does not).
export function barFill(share, cls = 'bar-fill') {
  const bar = el('span', { class: cls, 'aria-hidden': 'true' });
  bar.style.width = `${Math.max(0, Math.min(100, 100 * Number(share || 0)))}%`;
  return bar;
}

// ---- JSON requests ------------------------------------------------------------------------

export async function getJSON(path, params = {}) {
  const url = new URL(API + path, location.origin);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `request failed (${response.status})`);
  return body;
}

// POST or DELETE with the page's CSRF token in the X-CSRF-Token header.
export async function sendJSON(method, path, body) {
  const response = await fetch(new URL(API + path, location.origin), {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': (app && app.dataset.csrf) || '' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || `request failed (${response.status})`);
  return answer;
}

// Hands out tickets; only the newest one is current, so a slow earlier answer is dropped.
export function tickets() {
  let last = 0;
  return () => {
    const mine = ++last;
    return () => mine === last;
  };
}

// ---- the date range -----------------------------------------------------------------------

export function dateRange(state) {
  if (state.period === 'custom' && state.from && state.to) return [state.from, state.to];
  return state.period === 'custom' ? '30d' : state.period;
}

export function rangeDays(state) {
  const days = { day: 1, yesterday: 1, '7d': 7, '30d': 30, month: 31, previous_month: 31, year: 366, all: 9999 }[state.period];
  if (state.period === 'custom') return (new Date(state.to) - new Date(state.from)) / 864e5 + 1 || 30;
  return days || 30;
}

// Wires #period and the custom #from/#to inputs to `navigate`; returns the function that
// shows a state in them. `reset` is merged into the change when the period itself changes.
export function periodControl(navigate, reset = {}) {
  const period = document.getElementById('period');
  const from = document.getElementById('from');
  const to = document.getElementById('to');
  const custom = document.getElementById('custom');
  period.addEventListener('change', () => {
    if (period.value === 'custom') {
      custom.hidden = false;
      if (!from.value) {
        const today = new Date();
        to.value = today.toISOString().slice(0, 10);
        from.value = new Date(today - 29 * 864e5).toISOString().slice(0, 10);
      }
    }
    navigate({ period: period.value, from: from.value, to: to.value, ...reset });
  });
  for (const input of [from, to]) input.addEventListener('change', () => navigate({ period: 'custom', from: from.value, to: to.value }));
  return (state) => {
    period.value = state.period;
    custom.hidden = state.period !== 'custom';
    from.value = state.from;
    to.value = state.to;
  };
}

// ---- charts -------------------------------------------------------------------------------

function niceTop(max) {
  if (max <= 4) return 4;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

export const PALETTE = 8; // series colours .c0 … .c7 in app.css

// One line per series; a single series also gets a filled area, several get a colour each
// (`.c<i>`, matching the legend's swatches), `dashed: true` marks an earlier period.
export function drawChart(box, labels, series, metric, unit) {
  const W = Math.max(280, box.clientWidth || 800), H = Math.max(120, box.clientHeight || 220);
  const P = { l: 44, r: 12, t: 12, b: 26 };
  const all = series.flatMap((s) => s.values);
  const top = metric === 'percentage' ? 100 : niceTop(Math.max(1, ...all));
  const x = (i) => P.l + (labels.length > 1 ? (i * (W - P.l - P.r)) / (labels.length - 1) : (W - P.l - P.r) / 2);
  const y = (v) => H - P.b - (v / top) * (H - P.t - P.b);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg' });
  for (let g = 0; g <= 4; g++) {
    const v = (top * g) / 4;
    chart.append(svg('line', { x1: P.l, x2: W - P.r, y1: y(v), y2: y(v), class: 'grid' }));
    const t = svg('text', { x: P.l - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' });
    t.textContent = formatMetric(metric, Math.round(v * 10) / 10);
    chart.append(t);
  }
  const every = Math.max(1, Math.ceil(labels.length / Math.max(2, Math.floor(W / 100))));
  labels.forEach((label, i) => {
    if (i % every) return;
    const t = svg('text', { x: x(i), y: H - 6, class: 'axis', 'text-anchor': 'middle' });
    t.textContent = shortLabel(label, unit);
    chart.append(t);
  });
  const several = series.filter((s) => !s.dashed).length > 1;
  series.forEach((s, i) => {
    const points = s.values.map((v, j) => `${x(j).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    if (!s.dashed && !several) {
      chart.append(svg('polygon', { points: `${x(0)},${y(0)} ${points} ${x(s.values.length - 1)},${y(0)}`, class: 'area' }));
    }
    const cls = s.dashed ? 'line previous' : several ? `line c${i % PALETTE}` : 'line';
    chart.append(svg('polyline', { points, class: cls }));
  });
  const tip = el('div', { class: 'tip', hidden: true });
  chart.addEventListener('mousemove', (event) => {
    const rect = chart.getBoundingClientRect();
    const rel = ((event.clientX - rect.left) / rect.width) * W;
    const i = Math.max(0, Math.min(labels.length - 1, Math.round(((rel - P.l) / (W - P.l - P.r)) * (labels.length - 1))));
    tip.hidden = false;
    tip.textContent = `${labels[i]}: ${series.map((s) => `${s.name} ${formatMetric(metric, s.values[i])}`).join(' · ')}`;
  });
  chart.addEventListener('mouseleave', () => { tip.hidden = true; });
  box.replaceChildren(chart, tip);
  box.redraw = () => drawChart(box, labels, series, metric, unit);
}

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => document.querySelectorAll('.chart').forEach((box) => box.redraw && box.redraw()), 150);
});

function shortLabel(label, unit) {
  if (unit === 'label') return label;
  if (unit === 'minute' || unit === 'hour') return label.slice(11, 16);
  if (unit === 'month') return label.slice(0, 7);
  return label.slice(5, 10);
}

// A small inline trend (no axes), e.g. a cohort's size over the last weeks.
export function sparkline(values, label) {
  const W = 120, H = 28;
  const top = Math.max(1, ...values);
  const step = W / Math.max(values.length - 1, 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(H - 2 - (v / top) * (H - 4)).toFixed(1)}`).join(' ');
  const node = svg('svg', { class: 'spark', viewBox: `0 0 ${W} ${H}`, width: W, height: H, preserveAspectRatio: 'none', role: 'img', 'aria-label': label });
  node.append(svg('polyline', { points, fill: 'none', stroke: 'currentColor', 'stroke-width': '1.8', 'vector-effect': 'non-scaling-stroke' }));
  return node;
}

// ---- filters in the URL ---------------------------------------------------------------------

// In the URL: `f=<dim>=<value>` (is), `f=!<dim>=<value>` (is not), `f=~<dim>=<value>`
// (contains). A '=' or '%' inside the dimension (a trait or property name) is written
// %3D / %25, so the first bare '=' always ends the dimension.
const OPS = { '': 'is', '!': 'is_not', '~': 'contains' };

export function parseFilter(raw) {
  const mark = raw[0] === '!' || raw[0] === '~' ? raw[0] : '';
  const rest = raw.slice(mark.length);
  const i = rest.indexOf('=');
  if (i <= 0) return null;
  const dim = rest.slice(0, i).replace(/%3D/gi, '=').replace(/%25/g, '%');
  return [OPS[mark], dim, rest.slice(i + 1)];
}

export function encodeFilter(op, dim, value) {
  const mark = Object.keys(OPS).find((k) => OPS[k] === op) || '';
  return `${mark}${dim.replace(/%/g, '%25').replace(/=/g, '%3D')}=${value}`;
}
