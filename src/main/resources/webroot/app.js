// The Links page: list with filters and paging, Export -> CSV with live progress, recent exports.
// Plain JS, no framework; every value from the API is rendered with textContent (never as HTML).
'use strict';

const state = { token: null, project: null, page: 1, pageSize: 25, polling: null };
const MAX_LIST_DEPTH = 10000; // LinkFilter.MAX_LIST_DEPTH
const $ = (id) => document.getElementById(id);

/** Takes a token (and project) handed over in the fragment, which never reaches a server log, then clears it. */
function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  if (h.get('token')) sessionStorage.setItem('token', h.get('token'));
  if (h.get('project')) localStorage.setItem('project', h.get('project'));
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return h.has('token') || h.has('project');
}

async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + state.token };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let json = null;
  try { json = await res.json(); } catch (e) { /* not JSON */ }
  if (res.status === 401) { signOut('Your session has expired or is not valid. Paste a new token.'); }
  if (!res.ok) {
    const err = new Error(explain(res, json));
    err.status = res.status;
    throw err;
  }
  return json;
}

/** Plain words for the errors people meet. */
function explain(res, json) {
  const message = json && json.error && json.error.message ? json.error.message : 'Request failed (' + res.status + ').';
  switch (res.status) {
    case 402: return 'Exports are not included in this project\'s plan. Upgrade the plan to export links. (' + message + ')';
    case 409: return 'An export of this project is already running. Wait for it to finish. (' + message + ')';
    case 429: {
      const after = res.headers.get('Retry-After');
      return 'Too many exports this hour.' + (after ? ' Try again in ' + Math.ceil(after / 60) + ' min.' : '') + ' (' + message + ')';
    }
    case 400: return 'Check the filters: ' + message;
    default: return message;
  }
}

function filters() {
  const f = {};
  const form = $('filters');
  for (const name of ['search', 'domain', 'tagNames', 'folderId', 'createdAfter', 'createdBefore', 'type']) {
    const v = form.elements[name].value.trim();
    if (v) f[name] = v;
  }
  f.sortBy = form.elements.sortBy.value;
  f.sortOrder = form.elements.sortOrder.value;
  if (form.elements.showArchived.checked) f.showArchived = true;
  return f;
}

function base() { return '/api/v1/projects/' + encodeURIComponent(state.project) + '/links'; }

let listSeq = 0;

async function loadLinks() {
  const params = new URLSearchParams(filters());
  params.set('page', state.page);
  params.set('pageSize', state.pageSize);
  const seq = ++listSeq;
  const table = $('links');
  table.setAttribute('aria-busy', 'true');
  $('list-error').hidden = true;
  let links = [];
  let meta = { page: 1, hasMore: false };
  try {
    const res = await api('GET', base() + '?' + params);
    links = res.data;
    meta = res.meta;
  } catch (e) {
    if (seq !== listSeq) return;
    $('list-error').textContent = e.message;
    $('list-error').hidden = false;
  }
  // A slower, older answer must not overwrite a newer one (typing fast, paging fast).
  if (seq !== listSeq) return;
  renderLinks(links, meta);
  table.dataset.shown = state.project + '?' + params;
  table.setAttribute('aria-busy', 'false');
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '—' : text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function when(iso) { return iso ? new Date(iso).toLocaleString() : null; }
function num(n) { return n === null || n === undefined ? null : Number(n).toLocaleString(); }
// saleAmount is in cents of the reporting currency, US dollars (as dub records it).
const USD = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' });
function money(cents) { return cents === null || cents === undefined ? null : USD.format(Number(cents) / 100); }

function renderLinks(links, meta) {
  const body = $('links').tBodies[0];
  body.replaceChildren();
  for (const l of links) {
    const tr = document.createElement('tr');
    cell(tr, l.name || l.key, 'name').title = l.url;
    cell(tr, l.type);
    const td = cell(tr, '');
    const a = document.createElement('a');
    a.href = l.shortLink; a.textContent = l.shortLink; a.rel = 'noreferrer'; a.target = '_blank';
    td.replaceChildren(a);
    cell(tr, num(l.clicks), 'num');
    cell(tr, num(l.newInstalls), 'num');
    cell(tr, money(l.saleAmount), 'num').title = num(l.sales) + ' sales, ' + num(l.leads) + ' leads';
    cell(tr, l.topCountry);
    cell(tr, when(l.lastClicked));
    body.appendChild(tr);
  }
  if (links.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(tr, 'No links match these filters.');
    td.colSpan = 8;
    body.appendChild(tr);
  }
  $('page').textContent = 'Page ' + meta.page;
  $('prev').disabled = meta.page <= 1;
  // The API serves the first 10,000 links of a filter (page x pageSize); past them, narrow the filters or export.
  const atDepth = meta.page * meta.pageSize >= MAX_LIST_DEPTH;
  $('next').disabled = !meta.hasMore || atDepth;
  $('next').title = meta.hasMore && atDepth ? 'The list shows the first 10,000 links: narrow the filters or export them.' : '';
  $('links-count').textContent = links.length ? '(' + links.length + ' on this page)' : '';
}

async function startExport() {
  const button = $('export');
  button.disabled = true;
  $('export-error').hidden = true;
  $('export-download').hidden = true;
  status('Starting the export…');
  try {
    const res = await api('POST', base() + '/export', filters());
    follow(res.data.jobId);
  } catch (e) {
    status('The export did not start.');
    $('export-error').textContent = e.message;
    $('export-error').hidden = false;
    button.disabled = false;
  }
}

function status(text) { $('export-status').textContent = text; }

function follow(jobId) {
  clearTimeout(state.polling);
  const tick = async () => {
    try {
      const job = (await api('GET', base() + '/export/' + encodeURIComponent(jobId))).data;
      if (job.status === 'completed') {
        status('Export ready: ' + num(job.rowCount) + ' rows.');
        const a = $('export-download');
        a.href = job.downloadUrl;
        a.textContent = 'Download ' + job.filename;
        a.hidden = false;
        $('export').disabled = false;
        loadRecent();
        return;
      }
      if (job.status === 'failed') {
        status('The export failed.');
        $('export-error').textContent = job.error || 'The export failed.';
        $('export-error').hidden = false;
        $('export').disabled = false;
        loadRecent();
        return;
      }
      status((job.status === 'pending' ? 'Waiting for a worker…' : 'Exporting… ')
        + (job.status === 'processing' ? num(job.rowsWritten || 0) + ' rows written' : ''));
    } catch (e) {
      status('Lost track of the export: ' + e.message);
    }
    state.polling = setTimeout(tick, 700);
  };
  tick();
}

async function loadRecent() {
  try {
    const jobs = (await api('GET', base() + '/export')).data;
    const body = $('recent').tBodies[0];
    body.replaceChildren();
    for (const j of jobs) {
      const tr = document.createElement('tr');
      cell(tr, when(j.createdAt));
      const st = cell(tr, '');
      const badge = document.createElement('span');
      badge.className = 'badge ' + j.status;
      badge.textContent = j.status + (j.status === 'failed' && j.errorCode ? ' (' + j.errorCode + ')' : '');
      if (j.error) badge.title = j.error;
      st.replaceChildren(badge);
      cell(tr, num(j.rowCount), 'num');
      const file = cell(tr, '');
      if (j.status === 'completed') {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'link';
        b.textContent = 'Download';
        b.setAttribute('aria-label', 'Download the export of ' + (when(j.createdAt) || ''));
        b.addEventListener('click', () => download(j.jobId));
        file.replaceChildren(b);
      } else if (j.status === 'pending' || j.status === 'processing') {
        file.textContent = 'in progress';
      }
      body.appendChild(tr);
    }
    if (jobs.length === 0) {
      const tr = document.createElement('tr');
      cell(tr, 'No exports yet.').colSpan = 4;
      body.appendChild(tr);
    }
  } catch (e) { /* the panel stays as it was */ }
}

/** Mints a fresh link (every read signs a new 7-day URL) and follows it. */
async function download(jobId) {
  try {
    const job = (await api('GET', base() + '/export/' + encodeURIComponent(jobId))).data;
    if (job.downloadUrl) {
      // A link click rather than a navigation: the page stays, and the browser treats it as the user's download.
      const a = document.createElement('a');
      a.href = job.downloadUrl;
      a.rel = 'noopener';
      document.body.append(a);
      a.click();
      a.remove();
    }
  } catch (e) {
    $('export-error').textContent = e.message;
    $('export-error').hidden = false;
  }
}

async function signIn() {
  state.token = sessionStorage.getItem('token');
  if (!state.token) return;
  $('session').hidden = true;
  $('who').hidden = false;
  let projects;
  try {
    projects = (await api('GET', '/api/v1/projects')).data;
  } catch (e) {
    return;
  }
  const select = $('project');
  select.replaceChildren();
  for (const p of projects) {
    const o = document.createElement('option');
    o.value = p.id;
    o.textContent = p.name + ' (' + p.plan + ')';
    select.appendChild(o);
  }
  const wanted = localStorage.getItem('project');
  if (projects.some((p) => p.id === wanted)) select.value = wanted;
  state.project = select.value;
  $('app').hidden = !state.project;
  if (state.project) { state.page = 1; loadLinks(); loadRecent(); }
}

function signOut(message) {
  sessionStorage.removeItem('token');
  state.token = null;
  $('app').hidden = true;
  $('who').hidden = true;
  $('session').hidden = false;
  if (message) { $('token').placeholder = message; }
}

document.addEventListener('DOMContentLoaded', () => {
  readHash();
  $('session').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem('token', $('token').value.trim());
    $('token').value = '';
    signIn();
  });
  $('signout').addEventListener('click', () => signOut());
  // The dev stack's link opened in a tab that already shows the page: take the new token.
  window.addEventListener('hashchange', () => { if (readHash()) signIn(); });
  $('project').addEventListener('change', () => {
    state.project = $('project').value;
    localStorage.setItem('project', state.project);
    state.page = 1;
    $('export-download').hidden = true;
    $('export-error').hidden = true;
    status('Exports every link that matches the filters above.');
    loadLinks();
    loadRecent();
  });
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); state.page = 1; loadLinks(); });
  // Choices apply at once; typed text applies with Enter or "Apply filters".
  $('filters').addEventListener('change', (e) => {
    if (e.target.tagName === 'SELECT' || e.target.type === 'checkbox' || e.target.type === 'date') {
      state.page = 1;
      loadLinks();
    }
  });
  $('prev').addEventListener('click', () => { state.page = Math.max(1, state.page - 1); loadLinks(); });
  $('next').addEventListener('click', () => { state.page += 1; loadLinks(); });
  $('export').addEventListener('click', startExport);
  signIn();
});
