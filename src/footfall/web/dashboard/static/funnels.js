// Funnels: a step builder (pages with `*` patterns, or custom events with property filters),
// the conversion per step, the people who converted or dropped off, a breakdown table and
// saved funnels.

import { barFill, busy, duration, el, getJSON, human, percent, sendJSON, showError, tickets } from './ui.js';
import {
  OWNER, common, confirmButton, dimLabel, fillDimensions, personLink, productPage, siteOptions, start, stepLabel,
} from './insight.js';

const MAX_STEPS = 12;
const PEOPLE_PAGE = 50;
const WINDOWS = [['30m', '30 minutes'], ['1h', '1 hour'], ['6h', '6 hours'], ['24h', '24 hours'], ['2d', '2 days'], ['7d', '7 days'], ['14d', '14 days'], ['30d', '30 days'], ['90d', '90 days']];

// The builder's rows: {kind: 'page'|'event', value, props: [[key, value], …]}.
function toRows(steps) {
  return steps.map((s) => (s.page !== undefined
    ? { kind: 'page', value: s.page, props: [] }
    : { kind: 'event', value: s.event || '', props: Object.entries(s.props || {}) }));
}

function toSteps(rows) {
  return rows.map((r) => {
    if (r.kind === 'page') return { page: r.value.trim() };
    const props = Object.fromEntries(r.props.filter(([k]) => k.trim()).map(([k, v]) => [k.trim(), v]));
    return Object.keys(props).length ? { event: r.value.trim(), props } : { event: r.value.trim() };
  });
}

function parseSteps(raw) {
  try {
    const steps = JSON.parse(raw);
    return Array.isArray(steps) && steps.every((s) => s && typeof s === 'object') ? steps : null;
  } catch { return null; }
}

function funnels() {
  const list = document.getElementById('steps');
  const builder = document.getElementById('builder');
  const windowSelect = document.getElementById('window');
  const order = document.getElementById('order');
  const breakdown = document.getElementById('breakdown');
  const result = document.getElementById('funnel');
  const intro = document.getElementById('funnel-empty');
  const peopleCard = document.getElementById('people-card');
  const breakdownCard = document.getElementById('breakdown-card');
  const savedList = document.getElementById('saved');
  const saveForm = document.getElementById('save-form');
  const current = tickets();
  let rows = toRows([{ page: '' }, { event: '' }]);
  let shown = null;
  let applied = null;
  let go = () => {};

  windowSelect.replaceChildren(...WINDOWS.map(([value, text]) => el('option', { value, text })));
  siteOptions().then((options) => fillDimensions(breakdown, options, { none: 'No breakdown', keep: shown ? shown.by : '' }));

  // ---- builder ----
  function drawRows() {
    list.replaceChildren(...rows.map((row, i) => {
      const n = i + 1;
      const kind = el('select', { 'aria-label': `Step ${n}: page or event` },
        el('option', { value: 'page', text: 'Page' }), el('option', { value: 'event', text: 'Event' }));
      kind.value = row.kind;
      kind.addEventListener('change', () => { row.kind = kind.value; drawRows(); });
      const value = el('input', {
        value: row.value, required: true, autocomplete: 'off',
        list: row.kind === 'page' ? 'ff-pages' : 'ff-events',
        placeholder: row.kind === 'page' ? '/pricing or /docs/*' : 'Signup',
        'aria-label': row.kind === 'page' ? `Step ${n}: page path (* matches anything)` : `Step ${n}: event name`,
      });
      value.addEventListener('input', () => { row.value = value.value; });
      const props = row.kind === 'event' ? el('div', { class: 'step-props' },
        ...row.props.map((pair, j) => el('span', { class: 'prop-row' },
          el('input', { value: pair[0], placeholder: 'property', 'aria-label': `Step ${n}: property ${j + 1} name`, oninput: (e) => { pair[0] = e.target.value; } }),
          el('span', { 'aria-hidden': 'true', text: '=' }),
          el('input', { value: pair[1], placeholder: 'value', 'aria-label': `Step ${n}: property ${j + 1} value`, oninput: (e) => { pair[1] = e.target.value; } }),
          el('button', { type: 'button', class: 'link', 'aria-label': `Step ${n}: remove property ${j + 1}`, text: '×', onclick: () => { row.props.splice(j, 1); drawRows(); } }))),
        el('button', { type: 'button', class: 'link small', text: '+ property filter', onclick: () => { row.props.push(['', '']); drawRows(); } })) : null;
      const move = (to) => { const [item] = rows.splice(i, 1); rows.splice(to, 0, item); drawRows(); };
      return el('li', { class: 'step-row' },
        el('span', { class: 'step-n', 'aria-hidden': 'true', text: String(n) }),
        el('div', { class: 'step-main' }, el('div', { class: 'step-line' }, kind, value), props),
        el('span', { class: 'step-tools' },
          el('button', { type: 'button', class: 'icon', 'aria-label': `Move step ${n} up`, disabled: i === 0, text: '↑', onclick: () => move(i - 1) }),
          el('button', { type: 'button', class: 'icon', 'aria-label': `Move step ${n} down`, disabled: i === rows.length - 1, text: '↓', onclick: () => move(i + 1) }),
          el('button', { type: 'button', class: 'icon', 'aria-label': `Remove step ${n}`, disabled: rows.length <= 2, text: '×', onclick: () => { rows.splice(i, 1); drawRows(); } })));
    }));
    document.getElementById('add-step').disabled = rows.length >= MAX_STEPS;
  }

  document.getElementById('add-step').addEventListener('click', () => {
    rows.push({ kind: 'event', value: '', props: [] });
    drawRows();
    list.lastElementChild.querySelector('input').focus();
  });
  builder.addEventListener('submit', (event) => {
    event.preventDefault();
    go({ steps: JSON.stringify(toSteps(rows)), window: windowSelect.value, order: order.value, by: breakdown.value, saved: '' });
  });

  // ---- results ----
  function stepItem(step, i, steps, definition) {
    const n = i + 1;
    const links = [];
    if (i > 0) {
      links.push(el('button', { type: 'button', class: 'link', text: `${human(step.users)} converted`, onclick: () => listPeople(n, 'converted', definition) }));
      links.push(el('button', { type: 'button', class: 'link', text: `${human(step.dropoff)} dropped off`, onclick: () => listPeople(n, 'dropped', definition) }));
    } else {
      links.push(el('button', { type: 'button', class: 'link', text: 'List these people', onclick: () => listPeople(1, 'converted', definition) }));
    }
    const meta = i === 0 ? [`${human(step.users)} people started`] : [
      `${percent(step.conversion_from_previous)} of step ${i}`,
      `${percent(step.conversion_overall)} overall`,
      `${human(step.dropoff)} dropped off`,
      step.median_seconds_from_previous === null ? 'no median yet' : `median ${duration(step.median_seconds_from_previous)} from step ${i}`,
    ];
    return el('li', { class: 'fstep', 'data-step': String(n), 'data-users': String(step.users) },
      el('div', { class: 'fstep-head' },
        el('span', { class: 'step-n', text: String(n) }),
        el('span', { class: 'fstep-label', text: stepLabel(definition.steps[i]) || step.label }),
        el('span', { class: 'tag', text: definition.steps[i].page !== undefined ? 'page' : 'event' })),
      el('div', { class: 'fbar', title: `${step.users} people` },
        barFill(step.conversion_overall, 'fbar-fill'),
        el('span', { class: 'fbar-text' }, el('strong', { class: 'users', text: human(step.users) }), ` people · ${percent(step.conversion_overall)}`)),
      el('p', { class: 'fstep-meta muted small', text: meta.join(' · ') }),
      el('p', { class: 'fstep-links small' }, ...links));
  }

  async function listPeople(n, status, definition) {
    const box = document.getElementById('step-people');
    const more = document.getElementById('people-more');
    const heading = document.getElementById('people-title');
    const label = stepLabel(definition.steps[n - 1]);
    heading.textContent = status === 'dropped'
      ? `Dropped off before step ${n} (${label})`
      : `Reached step ${n} (${label})`;
    peopleCard.hidden = false;
    box.replaceChildren();
    let offset = 0;
    async function page() {
      busy(box, true);
      more.disabled = true;
      try {
        const body = { ...definition, people: { step: n, status, limit: PEOPLE_PAGE, offset } };
        const answer = await getJSON('/product/funnel', { q: body });
        box.append(...answer.people.map((id) => el('li', {}, personLink(id))));
        if (!offset && !answer.people.length) box.append(el('li', { class: 'muted', text: 'Nobody.' }));
        offset += answer.people.length;
        more.hidden = answer.people.length < PEOPLE_PAGE;
      } catch (error) {
        showError(error.message);
      } finally {
        busy(box, false);
        more.disabled = false;
      }
    }
    more.onclick = page;
    await page();
    peopleCard.scrollIntoView({ block: 'nearest' });
  }
  document.getElementById('people-close').addEventListener('click', () => { peopleCard.hidden = true; });

  function drawBreakdown(answer, definition) {
    const table = document.getElementById('breakdown-table');
    breakdownCard.hidden = !answer.breakdown;
    if (!answer.breakdown) return;
    document.getElementById('breakdown-title').textContent = `By ${dimLabel(definition.breakdown)}`;
    const last = definition.steps.length - 1;
    table.tHead.replaceChildren(el('tr', {},
      el('th', { scope: 'col', text: dimLabel(definition.breakdown) }),
      ...definition.steps.map((s, i) => el('th', { scope: 'col', class: 'num', title: stepLabel(s), text: `${i + 1}. ${stepLabel(s)}` })),
      el('th', { scope: 'col', class: 'num', text: 'Converted' })));
    table.tBodies[0].replaceChildren(...answer.breakdown.map((group) => el('tr', {},
      el('th', { scope: 'row', text: group.value }),
      ...group.steps.map((s) => el('td', { class: 'num', 'data-users': String(s.users), title: `${s.users} people`, text: human(s.users) })),
      el('td', { class: 'num', text: percent(group.steps[last].conversion_overall) }))));
  }

  async function render(state, navigate) {
    go = navigate;
    shown = state;
    const steps = parseSteps(state.steps);
    if (steps && state.steps !== applied) rows = toRows(steps); // keep unsent edits otherwise
    applied = state.steps;
    drawRows();
    if (![...windowSelect.options].some((o) => o.value === state.window)) windowSelect.append(el('option', { value: state.window, text: state.window }));
    windowSelect.value = state.window;
    order.value = state.order;
    if (![...breakdown.options].some((o) => o.value === state.by)) breakdown.append(el('option', { value: state.by, text: dimLabel(state.by) }));
    breakdown.value = state.by;
    peopleCard.hidden = true;
    drawSaved();
    const ready = steps && steps.length >= 2 && steps.every((s) => (s.page ?? s.event ?? '') !== '');
    intro.hidden = Boolean(ready);
    result.hidden = !ready;
    if (!ready) { breakdownCard.hidden = true; return; }
    const definition = { ...common(state), steps, window: state.window, order: state.order };
    if (state.by) definition.breakdown = state.by;
    const isCurrent = current();
    busy(result, true);
    try {
      const answer = await getJSON('/product/funnel', { q: definition });
      if (!isCurrent()) return;
      result.replaceChildren(...answer.steps.map((step, i) => stepItem(step, i, answer.steps, definition)));
      if (!answer.steps[0].users) result.append(el('li', { class: 'muted empty-row', text: 'Nobody did the first step in this period. Check its path or event name (pages match exactly unless you use *), or try a longer range.' }));
      drawBreakdown(answer, definition);
    } catch (error) {
      if (isCurrent()) showError(error.message);
    } finally {
      if (isCurrent()) busy(result, false);
    }
  }

  // ---- saved funnels ----
  let saved = null;
  async function drawSaved(fresh = false) {
    if (fresh || !saved) saved = getJSON('/product/funnels').then((r) => r.results);
    try {
      const items = await saved;
      savedList.replaceChildren(...items.map((f) => el('li', { class: shown && shown.saved === String(f.id) ? 'current' : '' },
        el('button', { type: 'button', class: 'link', text: f.name, onclick: () => open(f) }),
        el('span', { class: 'muted small', text: `${f.funnel.steps.length} steps` }),
        OWNER ? confirmButton('Delete', 'Click again to delete', () => remove(f), { 'aria-label': `Delete funnel ${f.name}` }) : null)));
      if (!items.length) savedList.replaceChildren(el('li', { class: 'muted', text: OWNER ? 'No saved funnels yet: build one, name it and save it.' : 'No saved funnels yet.' }));
    } catch (error) {
      showError(error.message);
    }
  }

  function open(f) {
    go({ steps: JSON.stringify(f.funnel.steps), window: f.funnel.window || '24h', order: f.funnel.order || 'loose', by: f.funnel.breakdown || '', saved: String(f.id) });
  }

  async function remove(f) {
    try {
      await sendJSON('DELETE', `/product/funnels/${f.id}`);
      await drawSaved(true);
    } catch (error) {
      showError(error.message);
    }
  }

  if (saveForm) {
    saveForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const name = document.getElementById('save-name');
      const funnel = { steps: toSteps(rows), window: windowSelect.value, order: order.value };
      if (breakdown.value) funnel.breakdown = breakdown.value;
      try {
        const answer = await sendJSON('POST', '/product/funnels', { name: name.value, funnel });
        name.value = '';
        saved = null;
        go({ steps: JSON.stringify(funnel.steps), window: funnel.window, order: funnel.order, by: funnel.breakdown || '', saved: String(answer.id) });
      } catch (error) {
        showError(error.message);
      }
    });
  }

  productPage({ steps: '', window: '24h', order: 'loose', by: '', saved: '' }, render);
}

start({ funnels });
