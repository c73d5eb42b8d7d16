// Events (segmentation), Retention and Paths: one query each, drawn as a chart, a heat-map
// grid and an expandable tree.

import { PALETTE, barFill, busy, drawChart, el, getJSON, human, percent, rangeDays, showError, tickets } from './ui.js';
import { common, decodeStep, dimLabel, encodeStep, fillDimensions, productPage, siteOptions, start, stepLabel, stepPicker } from './insight.js';

const SERIES = 8; // lines drawn; the table lists every result

// ---- events -----------------------------------------------------------------------------------

function intervals(state) {
  return rangeDays(state) <= 62 ? ['hour', 'day', 'week'] : ['day', 'week'];
}

function events() {
  const interval = document.getElementById('interval');
  const measure = document.getElementById('measure');
  const breakdown = document.getElementById('breakdown');
  const form = document.getElementById('event-form');
  const input = document.getElementById('event-input');
  const chips = document.getElementById('event-chips');
  const chart = document.getElementById('chart');
  const legend = document.getElementById('legend');
  const table = document.getElementById('totals');
  const empty = document.getElementById('seg-empty');
  const current = tickets();
  let go = () => {};
  let shown = { e: [] };

  interval.addEventListener('change', () => go({ interval: interval.value }));
  measure.addEventListener('change', () => go({ m: measure.value }));
  breakdown.addEventListener('change', () => go({ by: breakdown.value }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = input.value.trim();
    input.value = '';
    if (name && !shown.e.includes(name)) go({ e: [...shown.e, name] });
  });
  siteOptions().then((options) => fillDimensions(breakdown, options, { none: 'No breakdown', keep: shown.by || '' }));

  async function render(state, navigate) {
    go = navigate;
    shown = state;
    const allowed = intervals(state);
    const unit = allowed.includes(state.interval) ? state.interval : 'day';
    for (const option of interval.options) option.disabled = !allowed.includes(option.value);
    interval.value = unit;
    measure.value = state.m;
    if (![...breakdown.options].some((o) => o.value === state.by)) breakdown.append(el('option', { value: state.by, text: dimLabel(state.by) }));
    breakdown.value = state.by;
    chips.replaceChildren(...state.e.map((name) => el('span', { class: 'chip' }, el('strong', { text: name }),
      el('button', { type: 'button', class: 'chip-x', 'aria-label': `Remove event ${name}`, text: '×', onclick: () => go({ e: state.e.filter((n) => n !== name) }) }))));
    input.placeholder = state.e.length ? 'Add an event' : 'Showing the top events; add one';
    const body = { ...common(state), interval: unit };
    if (state.e.length) body.events = state.e;
    if (state.by) body.breakdown = state.by;
    const isCurrent = current();
    busy(chart, true);
    busy(table, true);
    try {
      const result = await getJSON('/product/segmentation', { q: body });
      if (!isCurrent()) return;
      drawEvents(state, unit, result);
    } catch (error) {
      if (isCurrent()) showError(error.message);
    } finally {
      if (isCurrent()) { busy(chart, false); busy(table, false); }
    }
  }

  function drawEvents(state, unit, result) {
    const labels = result.meta.time_labels || [];
    const name = (r) => (state.by ? `${r.event} · ${r.breakdown}` : r.event);
    const top = [...result.results].sort((a, b) => b.totals.total - a.totals.total).slice(0, SERIES);
    const series = top.map((r) => {
      const byDate = new Map(r.series.map((point) => [point.date, point]));
      return { name: name(r), values: labels.map((l) => Number(byDate.get(l)?.[state.m] || 0)) };
    });
    empty.hidden = result.results.length > 0;
    chart.hidden = legend.hidden = !result.results.length;
    if (result.results.length) {
      drawChart(chart, labels, series, 'events', unit);
      chart.setAttribute('aria-label', `${state.m === 'users' ? 'Unique people' : 'Events'} per ${unit}: ${series.map((s) => s.name).join(', ')}`);
    }
    legend.replaceChildren(...series.map((s, i) => el('li', {}, el('span', { class: `swatch c${series.length > 1 ? i % PALETTE : 'x'}`, 'aria-hidden': 'true' }), s.name)));
    table.tHead.replaceChildren(el('tr', {},
      el('th', { scope: 'col', text: 'Event' }),
      state.by ? el('th', { scope: 'col', text: dimLabel(state.by) }) : null,
      el('th', { scope: 'col', class: 'num', text: 'Total' }),
      el('th', { scope: 'col', class: 'num', text: 'Unique people' }),
      el('th', { scope: 'col', class: 'num', text: 'Per person' })));
    table.tBodies[0].replaceChildren(...result.results.map((r) => el('tr', { 'data-event': r.event },
      el('td', { text: r.event }),
      state.by ? el('td', { text: r.breakdown ?? '' }) : null,
      el('td', { class: 'num total', 'data-value': String(r.totals.total), title: String(r.totals.total), text: human(r.totals.total) }),
      el('td', { class: 'num users', 'data-value': String(r.totals.users), title: String(r.totals.users), text: human(r.totals.users) }),
      el('td', { class: 'num', text: Number(r.totals.per_user || 0).toFixed(2) }))));
  }

  productPage({ interval: 'day', e: [], by: '', m: 'total' }, render);
}

// ---- retention --------------------------------------------------------------------------------

const UNIT_NAMES = { day: 'Day', week: 'Week', month: 'Month' };

function cohortName(label, unit) {
  if (unit === 'month') return new Date(`${label.slice(0, 7)}-01T00:00:00`).toLocaleDateString([], { month: 'short', year: 'numeric' });
  const day = new Date(`${label.slice(0, 10)}T00:00:00`).toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });
  return unit === 'week' ? `Week of ${day}` : day;
}

function retention() {
  const unit = document.getElementById('unit');
  const form = document.getElementById('ret-form');
  const first = stepPicker('First event', null, { anyLabel: 'Any event' });
  const back = stepPicker('Return event', null, { anyLabel: 'Any event' });
  document.getElementById('first-pick').append(first.node);
  document.getElementById('back-pick').append(back.node);
  const grid = document.getElementById('grid');
  const empty = document.getElementById('ret-empty');
  const chart = document.getElementById('chart');
  const current = tickets();
  let go = () => {};
  siteOptions();

  unit.addEventListener('change', () => go({ unit: unit.value }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go({ first: encodeStep(first.get()), back: encodeStep(back.get()) });
  });

  async function render(state, navigate) {
    go = navigate;
    unit.value = state.unit;
    first.set(decodeStep(state.first));
    back.set(decodeStep(state.back));
    const body = { ...common(state), period: state.unit };
    if (decodeStep(state.first)) body.first_event = decodeStep(state.first);
    if (decodeStep(state.back)) body.return_event = decodeStep(state.back);
    const isCurrent = current();
    busy(grid, true);
    busy(chart, true);
    try {
      const result = await getJSON('/product/retention', { q: body });
      if (!isCurrent()) return;
      drawGrid(state.unit, result);
      const labels = result.average.map((a) => `${UNIT_NAMES[state.unit]} ${a.period}`);
      chart.closest('section').hidden = !result.average.length;
      if (result.average.length) {
        drawChart(chart, labels, [{ name: 'retained', values: result.average.map((a) => Math.round(a.share * 1000) / 10) }], 'percentage', 'label');
        chart.setAttribute('aria-label', `Average retention by ${state.unit}: ${result.average.map((a) => `${a.period}: ${percent(a.share)}`).join(', ')}`);
      }
    } catch (error) {
      if (isCurrent()) showError(error.message);
    } finally {
      if (isCurrent()) { busy(grid, false); busy(chart, false); }
    }
  }

  function drawGrid(u, result) {
    const width = Math.max(0, ...result.cohorts.map((c) => c.periods.length));
    empty.hidden = result.cohorts.length > 0;
    grid.hidden = !result.cohorts.length;
    grid.tHead.replaceChildren(el('tr', {},
      el('th', { scope: 'col', text: 'Cohort' }),
      el('th', { scope: 'col', class: 'num', text: 'People' }),
      ...Array.from({ length: width }, (_, k) => el('th', { scope: 'col', class: 'num', text: `${UNIT_NAMES[u]} ${k}` }))));
    grid.tBodies[0].replaceChildren(...result.cohorts.map((c) => el('tr', { 'data-cohort': c.cohort },
      el('th', { scope: 'row', text: cohortName(c.cohort, u) }),
      el('td', { class: 'num size', 'data-size': String(c.size), title: `${c.size} people`, text: human(c.size) }),
      ...Array.from({ length: width }, (_, k) => {
        const p = c.periods[k];
        if (!p) return el('td', { class: 'heat none', 'aria-label': 'not reached yet' });
        const cell = el('td', { class: `heat${p.share >= 0.3 ? ' hot' : ''}`, 'data-share': String(p.share), title: `${human(p.active)} of ${human(c.size)} people`, text: percent(p.share) });
        cell.style.setProperty('--heat', String(Math.max(0.04, Math.sqrt(p.share)))); // small shares stay visible
        return cell;
      }))));
  }

  productPage({ unit: 'week', first: '', back: '' }, render);
}

// ---- paths ------------------------------------------------------------------------------------

const SPECIAL = { '(end)': 'End of path', '(start)': 'Start of path', '(other)': 'Other steps' };

function paths() {
  const form = document.getElementById('paths-form');
  const startPick = stepPicker('Start', { page: '/' });
  document.getElementById('start-pick').append(startPick.node);
  const dir = document.getElementById('dir');
  const depth = document.getElementById('depth');
  const width = document.getElementById('width');
  const tree = document.getElementById('tree');
  const title = document.getElementById('tree-title');
  const empty = document.getElementById('paths-empty');
  const current = tickets();
  let go = () => {};
  siteOptions();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const step = startPick.get();
    if (!step) { showError('Start: enter a page path or an event name.'); return; }
    go({ start: encodeStep(step), dir: dir.value, depth: depth.value, width: width.value });
  });

  function node(item, parent, root, level, direction) {
    const special = item.label in SPECIAL;
    const kids = item.children || [];
    const open = level === 1;
    const group = kids.length ? el('ul', { role: 'group', hidden: !open }) : null;
    const label = special ? SPECIAL[item.label] : item.label;
    const toggle = kids.length
      ? el('button', { type: 'button', class: 'toggle', 'aria-label': `${open ? 'Collapse' : 'Expand'} ${label}`, text: open ? '▾' : '▸' })
      : el('span', { class: 'toggle-space', 'aria-hidden': 'true' });
    const li = el('li', { role: 'treeitem', 'aria-level': String(level), 'aria-expanded': kids.length ? String(open) : null, class: special ? 'special' : '', 'data-label': item.label },
      el('div', { class: 'node-row' },
        toggle,
        el('span', { class: 'node-bar' }, barFill(item.people / (root || 1)), el('span', { class: 'node-label', text: label })),
        el('span', { class: 'num', 'data-people': String(item.people), title: `${item.people} people`, text: human(item.people) }),
        el('span', { class: 'num muted share', title: `of the ${direction === 'before' ? 'later' : 'earlier'} step's people`, text: percent(item.people / (parent || 1)) })),
      group);
    if (kids.length) {
      group.append(...kids.map((child) => node(child, item.people, root, level + 1, direction)));
      toggle.addEventListener('click', () => {
        const opening = group.hidden;
        group.hidden = !opening;
        li.setAttribute('aria-expanded', String(opening));
        toggle.textContent = opening ? '▾' : '▸';
        toggle.setAttribute('aria-label', `${opening ? 'Collapse' : 'Expand'} ${label}`);
      });
    }
    return li;
  }

  async function render(state, navigate) {
    go = navigate;
    const step = decodeStep(state.start) || { page: '/' };
    startPick.set(step);
    dir.value = state.dir;
    depth.value = state.depth;
    width.value = state.width;
    const body = { ...common(state), start: step, direction: state.dir, depth: Number(state.depth) || 3, width: Number(state.width) || 5 };
    const isCurrent = current();
    busy(tree, true);
    try {
      const result = await getJSON('/product/paths', { q: body });
      if (!isCurrent()) return;
      const root = result.tree;
      title.textContent = `${state.dir === 'before' ? 'Before' : 'After'} ${stepLabel(step)}: ${human(root.people)} people`;
      empty.hidden = root.people > 0;
      tree.replaceChildren(...(root.people ? [el('ul', { role: 'tree', 'aria-label': title.textContent },
        ...root.children.map((child) => node(child, root.people, root.people, 1, state.dir)))] : []));
    } catch (error) {
      if (isCurrent()) showError(error.message);
    } finally {
      if (isCurrent()) busy(tree, false);
    }
  }

  productPage({ start: 'page:/', dir: 'after', depth: '3', width: '5' }, render);
}

start({ events, retention, paths });
