// People: the list of people active in the range (with chosen traits as columns) and one
// person's profile with their event timeline.

import { HOME, app, busy, el, getJSON, human, showError, tickets, when } from './ui.js';
import { common, personLink, productPage, siteOptions, start } from './insight.js';

const PAGE = 50;
const DEFAULT_COLUMNS = 3;
const IDENTIFY_HINT = 'No identified users yet: call identify from your app (see docs/client.md) to give people ids and traits. Until then each person is an anonymous visitor, new every day.';

function people() {
  const table = document.getElementById('people');
  const columns = document.getElementById('columns');
  const note = document.getElementById('people-note');
  const empty = document.getElementById('people-empty');
  const prev = document.getElementById('prev');
  const next = document.getElementById('next');
  const info = document.getElementById('page-info');
  const current = tickets();
  let go = () => {};

  prev.addEventListener('click', () => go({ page: String(Math.max(1, pageOf() - 1)) }));
  next.addEventListener('click', () => go({ page: String(pageOf() + 1) }));
  let shown = { page: '1' };
  const pageOf = () => Math.max(1, Number(shown.page) || 1);

  function showColumns(keys, chosen) {
    columns.replaceChildren(...keys.map((key) => el('label', { class: 'check' },
      el('input', {
        type: 'checkbox', value: key, checked: chosen.includes(key),
        onchange: () => go({ t: [...columns.querySelectorAll('input:checked')].map((i) => i.value) }),
      }), key)));
    if (!keys.length) columns.replaceChildren(el('p', { class: 'muted small', text: 'No traits yet.' }));
  }

  async function render(state, navigate) {
    go = navigate;
    shown = state;
    const isCurrent = current();
    busy(table, true);
    try {
      const options = await siteOptions();
      const chosen = state.t.length ? state.t : options.traits.slice(0, DEFAULT_COLUMNS);
      showColumns(options.traits, chosen);
      note.hidden = options.traits.length > 0;
      note.textContent = IDENTIFY_HINT;
      const offset = (pageOf() - 1) * PAGE;
      const body = { ...common(state), traits: chosen, pagination: { limit: PAGE, offset } };
      const result = await getJSON('/product/users', { q: body });
      if (!isCurrent()) return;
      table.tHead.replaceChildren(el('tr', {},
        el('th', { scope: 'col', text: 'Person' }),
        el('th', { scope: 'col', text: 'First seen' }),
        el('th', { scope: 'col', text: 'Last seen' }),
        el('th', { scope: 'col', class: 'num', text: 'Events' }),
        ...chosen.map((key) => el('th', { scope: 'col', text: key }))));
      table.tBodies[0].replaceChildren(...result.results.map((row) => el('tr', { 'data-person': row.id },
        el('td', {}, personLink(row.id)),
        el('td', {}, el('time', { datetime: row.first_seen, text: when(row.first_seen) })),
        el('td', {}, el('time', { datetime: row.last_seen, text: when(row.last_seen) })),
        el('td', { class: 'num', title: String(row.events), text: human(row.events) }),
        ...chosen.map((key) => el('td', { text: row.traits[key] ?? '' })))));
      const filtered = Boolean(state.cohort || state.f.length);
      empty.hidden = result.results.length > 0;
      empty.textContent = offset
        ? 'No more people: this is the end of the list.'
        : `No people in this period${filtered ? ' match the cohort and filters' : ''}. Try a longer date range${filtered ? ' or fewer filters' : ''}.`;
      prev.disabled = offset === 0;
      next.disabled = result.results.length < PAGE;
      info.textContent = result.results.length ? `${human(offset + 1)}–${human(offset + result.results.length)}` : '';
    } catch (error) {
      if (isCurrent()) showError(error.message);
    } finally {
      if (isCurrent()) busy(table, false);
    }
  }

  productPage({ t: [], page: '1' }, render, { page: '1' });
}

// ---- one person -------------------------------------------------------------------------------

function facts(list, pairs) {
  list.replaceChildren(...pairs.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', {}, value)]));
}

function person() {
  const id = app.dataset.person;
  const about = document.getElementById('about');
  const traits = document.getElementById('traits');
  const timeline = document.getElementById('timeline');
  const more = document.getElementById('more');
  const count = document.getElementById('timeline-count');
  let offset = 0;
  let lastDay = '';

  function eventItem(event) {
    const page = event.name === 'pageview';
    const props = Object.entries(event.props || {});
    return el('li', { class: 'entry' },
      el('time', { datetime: event.timestamp, text: new Date(event.timestamp).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) }),
      el('span', { class: page ? 'tag' : 'tag event', text: page ? 'page' : 'event' }),
      el('span', { class: 'what', text: page ? event.pathname : event.name }),
      !page && event.pathname ? el('span', { class: 'muted small', text: `on ${event.pathname}` }) : null,
      props.length ? el('span', { class: 'props' }, ...props.map(([k, v]) => el('span', { class: 'prop' }, el('span', { class: 'muted', text: `${k}: ` }), v))) : null);
  }

  async function load() {
    busy(timeline, true);
    more.disabled = true;
    try {
      const data = await getJSON(`/product/users/${encodeURIComponent(id)}`, { limit: String(PAGE), offset: String(offset) });
      if (offset === 0) {
        facts(about, [
          ['First seen', when(data.first_seen)],
          ['Last seen', when(data.last_seen)],
          ['Events', human(data.events.total)],
          ['Identities', data.identities.length ? el('ul', { class: 'plain ids' }, ...data.identities.map((i) => el('li', { text: i }))) : 'none linked'],
        ]);
        const entries = Object.entries(data.traits);
        facts(traits, entries.map(([k, v]) => [k, v]));
        if (!entries.length) traits.replaceChildren(el('p', { class: 'muted', text: id.startsWith('v:') ? 'An anonymous visitor (one day at most): no traits.' : 'No traits yet: send them with identify (see docs/client.md).' }));
        count.textContent = `${human(data.events.total)} events`;
        count.dataset.total = String(data.events.total);
        if (!data.events.total) timeline.replaceChildren(el('li', { class: 'muted empty-row', text: 'No events for this person: the id may be mistyped, or their data was erased.' }));
      }
      for (const event of data.events.results) {
        const day = new Date(event.timestamp).toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
        if (day !== lastDay) timeline.append(el('li', { class: 'day', text: day }));
        lastDay = day;
        timeline.append(eventItem(event));
      }
      offset += data.events.results.length;
      more.hidden = offset >= data.events.total;
    } catch (error) {
      showError(error.message);
    } finally {
      busy(timeline, false);
      more.disabled = false;
    }
  }

  more.addEventListener('click', load);
  document.getElementById('back').href = `${HOME}/people`;
  load();
}

start({ people, person });
