// Cohorts: a builder (trait filters, "did … at least N times within D days", "did not …"),
// a preview, saved cohorts with their size over time and a CSV of members, and, for owners,
// automations that notify (webhook or e-mail) when someone enters a saved cohort.

import { API, HOME, busy, el, getJSON, human, sendJSON, showError, sparkline } from './ui.js';
import { OWNER, confirmButton, loadCohorts, personLink, siteOptions, start, stepLabel, stepPicker } from './insight.js';

const PREVIEW = 20;
const TRAIT_OPS = [['is', 'is'], ['is_not', 'is not'], ['contains', 'contains']];

// ---- reading a definition back as a sentence ----------------------------------------------

function describeFilter(f) {
  if (Array.isArray(f) && typeof f[1] === 'string' && Array.isArray(f[2])) {
    const op = (TRAIT_OPS.find(([o]) => o === f[0]) || [f[0], f[0].replace('_', ' ')])[1];
    return `${f[1].replace(/^user:/, '')} ${op} ${f[2].join(' or ')}`;
  }
  return JSON.stringify(f);
}

function describeCondition(c) {
  if (c.filter) return describeFilter(c.filter);
  const within = c.within_days ? ` in the last ${c.within_days} days` : '';
  if (c.did_not) return `did not do ${stepLabel(c.did_not)}${within}`;
  const least = c.at_least || 1;
  const count = c.at_most !== undefined && c.at_most !== null ? `${least} to ${c.at_most} times` : least > 1 ? `at least ${least} times` : '';
  return `did ${stepLabel(c.did)}${count ? ` ${count}` : ''}${within}`;
}

function describe(cohort) {
  return (cohort.conditions || []).map(describeCondition).join(cohort.match === 'any' ? ' OR ' : ' AND ');
}

// ---- the builder ------------------------------------------------------------------------------

function numberInput(label, value, attrs = {}) {
  return el('label', { class: 'inline' }, label, el('input', { type: 'number', min: '1', value: value ?? '', class: 'short', ...attrs }));
}

function conditionRow(kind, n, remove) {
  const rm = el('button', { type: 'button', class: 'icon', 'aria-label': `Remove condition ${n}`, text: '×', onclick: remove });
  if (kind === 'trait') {
    const key = el('input', { list: 'ff-traits', placeholder: 'plan', required: true, 'aria-label': `Condition ${n}: trait`, autocomplete: 'off' });
    const op = el('select', { 'aria-label': `Condition ${n}: comparison` }, ...TRAIT_OPS.map(([value, text]) => el('option', { value, text })));
    const value = el('input', { placeholder: 'pro', required: true, 'aria-label': `Condition ${n}: value` });
    const row = el('li', { class: 'cond', 'data-kind': kind }, el('span', { class: 'cond-kind', text: 'Trait' }), key, op, value, rm);
    row.definition = () => ({ filter: [op.value, `user:${key.value.trim()}`, [value.value]] });
    return row;
  }
  const step = stepPicker(`Condition ${n}`, { event: '' });
  step.node.querySelector('input').required = true;
  const within = numberInput('within', '', { max: '3650', 'aria-label': `Condition ${n}: within days`, placeholder: 'all time' });
  const days = el('span', { class: 'muted small', text: 'days' });
  if (kind === 'did_not') {
    const row = el('li', { class: 'cond', 'data-kind': kind }, el('span', { class: 'cond-kind', text: 'Did not do' }), step.node, within, days, rm);
    row.definition = () => {
      const c = { did_not: step.get() };
      if (within.querySelector('input').value) c.within_days = Number(within.querySelector('input').value);
      return c;
    };
    return row;
  }
  const least = numberInput('at least', 1, { 'aria-label': `Condition ${n}: at least`, required: true });
  const most = numberInput('at most', '', { 'aria-label': `Condition ${n}: at most`, placeholder: 'any' });
  const row = el('li', { class: 'cond', 'data-kind': kind }, el('span', { class: 'cond-kind', text: 'Did' }), step.node, least, most, el('span', { class: 'muted small', text: 'times' }), within, days, rm);
  row.definition = () => {
    const c = { did: step.get(), at_least: Number(least.querySelector('input').value) || 1 };
    if (most.querySelector('input').value) c.at_most = Number(most.querySelector('input').value);
    if (within.querySelector('input').value) c.within_days = Number(within.querySelector('input').value);
    return c;
  };
  return row;
}

function cohorts() {
  const form = document.getElementById('cohort-form');
  const match = document.getElementById('match');
  const list = document.getElementById('conditions');
  const preview = document.getElementById('preview');
  siteOptions();

  const renumber = () => [...list.children].forEach((row, i) => row.querySelectorAll('[aria-label]').forEach((node) => {
    node.setAttribute('aria-label', node.getAttribute('aria-label').replace(/Condition \d+/, `Condition ${i + 1}`));
  }));
  function add(kind, focus = true) {
    const row = conditionRow(kind, list.children.length + 1, () => { row.remove(); renumber(); });
    list.append(row);
    if (focus) row.querySelector('input').focus();
  }
  document.getElementById('add-trait').addEventListener('click', () => add('trait'));
  document.getElementById('add-did').addEventListener('click', () => add('did'));
  document.getElementById('add-didnot').addEventListener('click', () => add('did_not'));
  add('did', false);

  const definition = () => ({ match: match.value, conditions: [...list.children].map((row) => row.definition()) });

  async function showPreview() {
    if (!list.children.length) { showError('Add at least one condition.'); return; }
    showError('');
    busy(preview, true);
    try {
      const answer = await getJSON('/product/cohort', { q: { cohort: definition(), pagination: { limit: PREVIEW } } });
      preview.replaceChildren(
        el('p', {}, el('strong', { class: 'size', 'data-size': String(answer.total), text: human(answer.total) }), ` ${answer.total === 1 ? 'person matches' : 'people match'} now`),
        answer.people.length ? el('ul', { class: 'people-list' }, ...answer.people.map((id) => el('li', {}, personLink(id)))) : el('p', { class: 'muted', text: 'Nobody yet. Loosen a condition, or check the event names.' }),
        answer.total > answer.people.length ? el('p', { class: 'muted small', text: `The first ${answer.people.length}, by id. Save the cohort to export them all as CSV.` }) : null);
    } catch (error) {
      showError(error.message);
    } finally {
      busy(preview, false);
    }
  }

  form.addEventListener('submit', (event) => { event.preventDefault(); showPreview(); });
  const saveButton = document.getElementById('save-cohort');
  if (saveButton) {
    saveButton.addEventListener('click', async () => {
      const name = document.getElementById('cohort-name');
      if (!form.reportValidity()) return;
      if (!name.value.trim()) { showError('Name the cohort to save it.'); name.focus(); return; }
      try {
        await sendJSON('POST', '/product/cohorts', { name: name.value, cohort: definition() });
        name.value = '';
        showError('');
        await drawSaved(true);
      } catch (error) {
        showError(error.message);
      }
    });
  }

  // ---- saved cohorts ----
  const table = document.getElementById('cohorts');
  const empty = document.getElementById('cohorts-empty');

  async function drawSaved(fresh = false) {
    busy(table, true);
    try {
      const items = await loadCohorts(fresh);
      empty.hidden = items.length > 0;
      table.hidden = !items.length;
      table.tBodies[0].replaceChildren(...items.map((c) => {
        const size = el('td', { class: 'num size', text: '…' });
        const trend = el('td', { class: 'trend' });
        getJSON(`/product/cohorts/${c.id}/sizes`, { interval: 'week', points: '8' }).then(({ results }) => {
          const now = results.length ? results[results.length - 1].size : 0;
          size.textContent = human(now);
          size.dataset.size = String(now);
          size.title = `${now} people now`;
          trend.replaceChildren(sparkline(results.map((r) => r.size), `${c.name}: size at the end of each of the last ${results.length} weeks: ${results.map((r) => r.size).join(', ')}`));
        }).catch((error) => { size.textContent = '—'; size.title = error.message; });
        return el('tr', { 'data-cohort': String(c.id) },
          el('th', { scope: 'row', text: c.name }),
          el('td', { class: 'small', text: describe(c.cohort) }),
          size,
          trend,
          el('td', { class: 'actions' },
            el('a', { href: `${API}/product/cohorts/${c.id}/members.csv`, download: '', class: 'csv', text: 'CSV' }),
            el('a', { href: `${HOME}/people?cohort=${c.id}`, text: 'People' }),
            el('a', { href: `${HOME}/funnels?cohort=${c.id}`, text: 'Funnels' }),
            OWNER ? confirmButton('Delete', 'Click again to delete', () => remove(c), { 'aria-label': `Delete cohort ${c.name}` }) : null));
      }));
      fillCohortChoice(items);
    } catch (error) {
      showError(error.message);
    } finally {
      busy(table, false);
    }
  }

  async function remove(c) {
    try {
      await sendJSON('DELETE', `/product/cohorts/${c.id}`);
      await drawSaved(true);
    } catch (error) {
      showError(error.message);
    }
  }

  drawSaved();
  if (OWNER) automations();
}

// ---- automations (owners) -----------------------------------------------------------------------

let cohortNames = new Map();
function fillCohortChoice(items) {
  cohortNames = new Map(items.map((c) => [c.id, c.name]));
  const select = document.getElementById('auto-cohort');
  if (!select) return;
  const keep = select.value;
  select.replaceChildren(...items.map((c) => el('option', { value: String(c.id), text: c.name })));
  if (keep) select.value = keep;
  document.getElementById('auto-save').disabled = !items.length;
  document.getElementById('auto-needs-cohort').hidden = items.length > 0;
}

function automations() {
  const form = document.getElementById('auto-form');
  const table = document.getElementById('automations');
  const empty = document.getElementById('autos-empty');
  const hook = document.getElementById('hook-fields');
  const mail = document.getElementById('mail-fields');
  const value = (id) => document.getElementById(id).value.trim();

  const channel = () => form.querySelector('input[name=channel]:checked').value;
  const showChannel = () => {
    hook.hidden = hook.disabled = channel() !== 'webhook';
    mail.hidden = mail.disabled = channel() !== 'email';
  };
  form.querySelectorAll('input[name=channel]').forEach((radio) => radio.addEventListener('change', showChannel));
  showChannel();

  function body() {
    const automation = { cohort: Number(value('auto-cohort')), channel: channel(), notify_existing: document.getElementById('notify-existing').checked };
    if (automation.channel === 'webhook') return { ...automation, url: value('hook-url'), secret: document.getElementById('hook-secret').value };
    const smtp = { host: value('smtp-host'), port: Number(value('smtp-port')) || 25, starttls: document.getElementById('smtp-tls').checked };
    if (value('smtp-sender')) smtp.sender = value('smtp-sender');
    if (value('smtp-user')) smtp.username = value('smtp-user');
    if (document.getElementById('smtp-pass').value) smtp.password = document.getElementById('smtp-pass').value;
    const email = { ...automation, to: value('mail-to').split(/[\s,;]+/).filter(Boolean), smtp };
    if (value('mail-subject')) email.subject = value('mail-subject');
    if (value('mail-template')) email.template = document.getElementById('mail-template').value;
    return email;
  }

  async function draw() {
    busy(table, true);
    try {
      const { results } = await getJSON('/product/automations');
      empty.hidden = results.length > 0;
      table.hidden = !results.length;
      // Shown: name, cohort, channel and where it goes. Never a secret or password (the
      // server sends them as *** anyway).
      table.tBodies[0].replaceChildren(...results.map((a) => el('tr', { 'data-automation': String(a.id) },
        el('th', { scope: 'row', text: a.name }),
        el('td', { text: cohortNames.get(a.automation.cohort) || `#${a.automation.cohort} (deleted)` }),
        el('td', { text: a.automation.channel === 'email' ? 'E-mail' : 'Webhook' }),
        el('td', { class: 'small', text: a.automation.channel === 'email' ? (a.automation.to || []).join(', ') : a.automation.url }),
        el('td', {}, confirmButton('Delete', 'Click again to delete', () => remove(a), { 'aria-label': `Delete automation ${a.name}` })))));
    } catch (error) {
      showError(error.message);
    } finally {
      busy(table, false);
    }
  }

  async function remove(a) {
    try {
      await sendJSON('DELETE', `/product/automations/${a.id}`);
      await draw();
    } catch (error) {
      showError(error.message);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await sendJSON('POST', '/product/automations', { name: value('auto-name'), automation: body() });
      for (const id of ['auto-name', 'hook-secret', 'smtp-pass']) document.getElementById(id).value = '';
      document.getElementById('auto-notice').textContent = 'Automation saved. It checks the cohort every 5 minutes.';
      showError('');
      await draw();
    } catch (error) {
      showError(error.message);
    }
  });
  loadCohorts().then(() => draw());
}

start({ cohorts });
