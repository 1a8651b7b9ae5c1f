// The dashboard's pages: plain DOM and fetch against the JSON API beside them; the visible page polls every 2 s.
'use strict';

const $ = (selector) => document.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'className') element.className = value;
    else if (name === 'onclick') element.addEventListener('click', value);
    else element.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

async function api(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== '' && value !== undefined && value !== null && value !== false) search.set(name, value);
  }
  return search.toString();
}

const time = (iso) => new Date(iso).toLocaleTimeString(undefined, { hour12: false }) + '.' + String(new Date(iso).getMilliseconds()).padStart(3, '0');
const ms = (value) => value < 10 ? value.toFixed(2) : value.toFixed(0);
const tags = (values) => values.map((v) => el('span', { className: 'tag' }, v));

function replaceRows(tbody, rows) {
  tbody.replaceChildren(...rows);
}

// ---- pages ---------------------------------------------------------------------------------------------------

const pages = {
  async resources() {
    const resources = await api('/api/resources');
    replaceRows($('#resources'), resources.map((r) => el('tr', { 'data-resource': r.name, onclick: () => showResource(r) },
      el('td', {}, r.name), el('td', {}, r.type),
      el('td', { className: /Exited|Failed/.test(r.state) ? 'error' : '' }, r.state),
      el('td', {}, r.processId ?? ''), el('td', {}, r.restarts),
      el('td', {}, r.url ? el('a', { href: r.url, target: '_blank' }, r.url) : ''),
      el('td', {}, r.connectionString ?? ''))));
    fillResourceSelects(resources.map((r) => r.name));
  },

  async console() {
    const select = $('#console-resource');
    if (!select.value) {
      const resources = await api('/api/resources');
      fillResourceSelects(resources.map((r) => r.name));
    }
    if (!select.value) return;
    const view = await api(`/api/resources/${encodeURIComponent(select.value)}/console`);
    const pre = $('#console-lines');
    const text = view.lines.join('\n');
    if (pre.textContent !== text) {
      pre.textContent = text;
      if ($('#console-follow').checked) pre.scrollTop = pre.scrollHeight;
    }
  },

  async logs() {
    const logs = await api('/api/logs?' + query({
      resource: $('#logs-resource').value, level: $('#logs-level').value, tenant: $('#logs-tenant').value.trim(), text: $('#logs-text').value.trim(), limit: 500,
    }));
    replaceRows($('#logs'), logs.map((log) => el('tr', { 'data-tenant': log.tenantIdentifier ?? '' },
      el('td', {}, time(log.timestamp)), el('td', {}, log.resource),
      el('td', { className: /Error|Critical/.test(log.severity) ? 'error' : '' }, log.severity),
      el('td', {}, log.tenantIdentifier ?? ''),
      el('td', { title: log.category }, log.message),
      el('td', {}, log.traceId ? el('a', { href: `#trace/${log.traceId}` }, log.traceId.slice(0, 8)) : ''))));
    await refreshFacets();
  },

  async traces() {
    const traces = await api('/api/traces?' + query({
      tenant: $('#traces-tenant').value.trim(), resource: $('#traces-resource').value, minDurationMs: $('#traces-min').value, errorsOnly: $('#traces-errors').checked,
    }));
    replaceRows($('#traces'), traces.map((t) => el('tr', {
      'data-trace-id': t.traceId, 'data-resources': t.resources.join(' '), 'data-tenants': t.tenants.join(' '),
      onclick: () => { location.hash = `#trace/${t.traceId}`; },
    },
      el('td', {}, time(t.start)),
      el('td', { className: t.hasError ? 'error' : '' }, `${t.resource}: ${t.name}`),
      el('td', {}, tags(t.resources)), el('td', {}, tags(t.tenants)),
      el('td', {}, t.spanCount), el('td', {}, `${ms(t.durationMs)} ms`))));
    await refreshFacets();
  },

  async trace(traceId) {
    const trace = await api(`/api/traces/${encodeURIComponent(traceId)}`);
    renderWaterfall(trace);
  },

  async metrics() {
    const windowSeconds = $('#metrics-window').value;
    const [rows, names] = await Promise.all([api('/api/metrics/requests?' + query({ windowSeconds })), api('/api/metrics')]);
    replaceRows($('#requests'), rows.map((r) => el('tr', { 'data-resource': r.resource, 'data-tier': r.tier },
      el('td', {}, r.resource), el('td', {}, r.tier), el('td', {}, r.requests), el('td', {}, r.requestsPerSecond.toFixed(2)),
      el('td', { className: r.errors > 0 ? 'error' : '' }, r.errors), el('td', {}, ms(r.meanMs)), el('td', {}, ms(r.p95Ms)))));
    replaceRows($('#metric-names'), names.map((n) => el('tr', {}, el('td', {}, n.resource), el('td', {}, n.name), el('td', {}, n.kind), el('td', {}, n.unit))));
  },
};

function showResource(resource) {
  const lines = Object.entries(resource.environment).map(([name, value]) => `${name}=${value}`);
  $('#resource-details').textContent = `${resource.name} environment (secrets masked):\n${lines.join('\n') || '(none)'}`;
}

function fillResourceSelects(names) {
  const consoleSelect = $('#console-resource');
  if (consoleSelect.options.length !== names.length) {
    const chosen = consoleSelect.value;
    consoleSelect.replaceChildren(...names.map((n) => el('option', { value: n }, n)));
    consoleSelect.value = chosen || names.find((n) => n === 'api') || names[0] || '';
  }
}

async function refreshFacets() {
  const facets = await api('/api/facets');
  for (const select of document.querySelectorAll('.resource-filter')) {
    const known = [...select.options].map((o) => o.value);
    for (const name of facets.resources) {
      if (!known.includes(name)) select.append(el('option', { value: name }, name));
    }
  }
  const list = $('#tenants');
  if (list.options.length !== facets.tenants.length) list.replaceChildren(...facets.tenants.map((t) => el('option', { value: t })));
}

/** One row per span, children under their parent, bars placed on the trace's time line. */
function renderWaterfall(trace) {
  const spans = trace.spans;
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : '';
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(span);
  }
  const start = Math.min(...spans.map((s) => Date.parse(s.start)));
  const end = Math.max(...spans.map((s) => Date.parse(s.start) + s.durationMs));
  const total = Math.max(end - start, 1);
  const rows = [];
  const visit = (parent, depth) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
      const left = ((Date.parse(span.start) - start) / total) * 100;
      const width = Math.max((span.durationMs / total) * 100, 0.2);
      rows.push(el('div', {
        className: `span-row res-${span.resource}${span.isError ? ' is-error' : ''}`,
        'data-span-id': span.spanId, 'data-resource': span.resource, 'data-tenant': span.tenantIdentifier ?? '',
        onclick: () => { $('#span-details').textContent = JSON.stringify(span, null, 2); },
      },
        el('div', { className: 'span-label', style: `padding-left:${depth * 1.1}rem`, title: span.name },
          el('span', { className: 'tag' }, span.resource), span.name, ' ',
          span.tenantIdentifier ? el('span', { className: 'tag tenant' }, span.tenantIdentifier) : '',
          ` ${ms(span.durationMs)} ms`),
        el('div', { className: 'span-track' }, el('div', { className: 'span-bar', style: `left:${left}%;width:${width}%` }))));
      visit(span.spanId, depth + 1);
    }
  };
  visit('', 0);
  $('#trace-title').textContent = `Trace ${trace.traceId}: ${spans.length} spans, ${ms(total)} ms`;
  $('#waterfall').replaceChildren(...rows);
}

// ---- routing and live refresh ----------------------------------------------------------------------------------

let timer;
let generation = 0;

async function refresh() {
  clearTimeout(timer);
  // A filter change starts a new refresh while one may be waiting on the API: only the newest schedules the next.
  const mine = ++generation;
  const [name, argument] = (location.hash.slice(1) || 'resources').split('/');
  const page = pages[name] ? name : 'resources';
  for (const section of document.querySelectorAll('.page')) section.classList.toggle('active', section.id === `page-${page}`);
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.page === page || (page === 'trace' && link.dataset.page === 'traces'));
  try {
    await pages[page](argument);
    const counts = await api('/api/counts');
    $('#counts').textContent = `${counts.spans} spans · ${counts.logs} logs · ${counts.metricPoints} metric points`;
  } catch (error) {
    $('#counts').textContent = `error: ${error.message}`;
  }
  if (mine === generation) timer = setTimeout(refresh, 2000);
}

window.addEventListener('hashchange', refresh);
for (const input of document.querySelectorAll('.filters input, .filters select')) {
  input.addEventListener(input.type === 'checkbox' || input.tagName === 'SELECT' ? 'change' : 'input', refresh);
}
refresh();
