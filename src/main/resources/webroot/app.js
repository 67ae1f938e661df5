// The Links page: list with filters and paging, the export (columns, format, split) with live progress, recent exports.
// Plain JS, no framework; every value from the API is rendered with textContent (never as HTML).
'use strict';

const state = { token: null, project: null, page: 1, pageSize: 25, polling: null };
const MAX_LIST_DEPTH = 10000; // LinkFilter.MAX_LIST_DEPTH
const $ = (id) => document.getElementById(id);
// The export's columns, [id, header] in the table's order: export.Column (ColumnsInPageTest keeps them equal).
const COLUMNS = [['id', 'ID'], ['domain', 'Domain'], ['key', 'Slug'], ['url', 'Destination URL'], ['shortLink', 'Short URL'], ['name', 'Name'], ['type', 'Type'], ['archived', 'Archived'], ['expiresAt', 'Expires At'], ['tags', 'Tags'], ['folderId', 'Folder ID'], ['tenantId', 'Tenant ID'], ['externalId', 'External ID'], ['userId', 'User ID'], ['ios', 'iOS URL'], ['android', 'Android URL'], ['utm_source', 'UTM Source'], ['utm_medium', 'UTM Medium'], ['utm_campaign', 'UTM Campaign'], ['utm_term', 'UTM Term'], ['utm_content', 'UTM Content'], ['createdAt', 'Created At'], ['updatedAt', 'Updated At'], ['clicks', 'Clicks'], ['newInstalls', 'New Installs'], ['returningUsers', 'Returning Users'], ['attributedClicks', 'Attributed Clicks'], ['topDevice', 'Top Device'], ['topOs', 'Top OS'], ['topBrowser', 'Top Browser'], ['topCountry', 'Top Country'], ['lastClicked', 'Last Clicked At'], ['leads', 'Leads'], ['conversions', 'Conversions'], ['sales', 'Sales'], ['saleAmount', 'Sale Amount']];
// The default set, in its order: export.ColumnSet.DEFAULT (the specified 14 columns).
const DEFAULT_COLUMNS = ['name', 'type', 'key', 'shortLink', 'createdAt', 'clicks', 'newInstalls', 'returningUsers', 'attributedClicks', 'topDevice', 'topOs', 'topBrowser', 'topCountry', 'lastClicked'];

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
    err.serverMessage = json && json.error ? json.error.message : null;
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
  for (const name of ['search', 'domain', 'folderId', 'createdAfter', 'createdBefore', 'type']) {
    const v = form.elements[name].value.trim();
    if (v) f[name] = v;
  }
  const tags = Array.from($('f-tags').selectedOptions).map((o) => o.value);
  if (tags.length) f.tagIds = tags;
  f.sortBy = form.elements.sortBy.value;
  f.sortOrder = form.elements.sortOrder.value;
  if (form.elements.showArchived.checked) f.showArchived = true;
  const zone = $('f-tz').value;
  // dates (created and the period) are whole days of this zone, and the file writes its times in it
  if (zone && zone !== 'UTC') f.timezone = zone;
  Object.assign(f, period(zone || 'UTC'));
  return f;
}

/** A date "YYYY-MM-DD" moved by days or months (calendar arithmetic on the date alone, no time zone involved). */
function shift(day, days, months) {
  const [y, m, d] = day.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1 + (months || 0), d + (days || 0)));
  return t.toISOString().slice(0, 10);
}

/** Today's date in the zone. */
function today(zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}

/**
 * The analytics window of the period picker, as the API's metricsFrom (inclusive) and metricsTo (exclusive) dates,
 * read by the API as whole days of the zone: the last N days include today; a month is its first day to the next
 * month's first day; custom is its first and last day, inclusive.
 */
function period(zone) {
  const p = $('f-period').value;
  const now = today(zone);
  const first = now.slice(0, 8) + '01';
  if (/^[0-9]+$/.test(p)) return { metricsFrom: shift(now, 1 - Number(p)), metricsTo: shift(now, 1) };
  if (p === 'this-month') return { metricsFrom: first, metricsTo: shift(first, 0, 1) };
  if (p === 'last-month') return { metricsFrom: shift(first, 0, -1), metricsTo: first };
  if (p === 'custom') {
    const w = {};
    if ($('f-mfrom').value) w.metricsFrom = $('f-mfrom').value;
    if ($('f-mto').value) w.metricsTo = shift($('f-mto').value, 1);
    return w;
  }
  return {};
}

/** The time-zone picker: every zone the browser knows, the browser's own selected. */
function renderZones() {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const zones = (Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : [own]).slice();
  for (const z of ['UTC', own]) if (!zones.includes(z)) zones.unshift(z);
  const select = $('f-tz');
  select.replaceChildren(...zones.map((z) => new Option(z, z, false, z === own)));
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

// times are shown in the zone picked for the filters, as the export writes them
function when(iso) { return iso ? new Date(iso).toLocaleString(undefined, { timeZone: $('f-tz').value || 'UTC' }) : null; }
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
    const td = cell(tr, '', 'url');
    td.title = l.shortLink;
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
}

let countSeq = 0;

/** The matching total (the count endpoint), and what it means for an export: over the cap, the split offer. */
async function loadCount() {
  const seq = ++countSeq;
  $('links-count').textContent = '';
  let res;
  try {
    res = await api('GET', base() + '/count?' + new URLSearchParams(filters()));
  } catch (e) { return; }
  if (seq !== countSeq) return;
  const n = res.data;
  const max = res.meta ? res.meta.exportMaxRows : null;
  const total = res.meta ? res.meta.exportMaxTotalRows : null;
  $('links-count').textContent = '(' + num(n) + (n === 1 ? ' link)' : ' links)');
  $('export-match').textContent = num(n) + (n === 1 ? ' link matches' : ' links match') + ' these filters.';
  const over = max !== null && n > max;
  $('export-cap').hidden = !over;
  $('split-offer').hidden = !over || n > total;
  if (!over) {
    $('export-split').checked = false;
  } else if (n > total) {
    $('export-split').checked = false;
    $('export-cap').textContent = 'That is over the ' + num(total) + '-link limit of an export, even split into files:'
      + ' narrow the filters, for example by creation date.';
  } else {
    $('export-cap').textContent = 'That is over the ' + num(max) + '-link limit of one file. Export as several files'
      + ' (cut by creation date, with a manifest), or narrow the filters.';
    $('export-split-label').textContent = 'Split into files of at most ' + num(max) + ' links by creation date';
  }
}

/** The tag and folder pickers, from the project's tags and folders. */
async function loadPickers() {
  for (const [id, path, blank] of [['f-tags', '/tags', null], ['f-folder', '/folders', 'any']]) {
    const select = $(id);
    select.replaceChildren();
    if (blank) select.appendChild(new Option(blank, ''));
    try {
      const items = (await api('GET', '/api/v1/projects/' + encodeURIComponent(state.project) + path)).data;
      for (const it of items) select.appendChild(new Option(it.name, it.id));
    } catch (e) { /* the picker stays empty; the list still works */ }
  }
}

/** The column picker: the defaults checked in their order, then the others; arrows (or drag) reorder. */
function renderColumns(checked) {
  const list = $('columns');
  list.replaceChildren();
  const order = checked.concat(COLUMNS.map((c) => c[0]).filter((id) => !checked.includes(id)));
  for (const id of order) {
    const header = COLUMNS.find((c) => c[0] === id)[1];
    const li = document.createElement('li');
    li.dataset.id = id;
    li.draggable = true;
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = 'col-' + id;
    box.checked = checked.includes(id);
    const label = document.createElement('label');
    label.htmlFor = box.id;
    label.textContent = header;
    const up = document.createElement('button');
    up.type = 'button'; up.textContent = '↑'; up.setAttribute('aria-label', 'Move ' + header + ' up');
    up.addEventListener('click', () => { if (li.previousElementSibling) list.insertBefore(li, li.previousElementSibling); up.focus(); });
    const down = document.createElement('button');
    down.type = 'button'; down.textContent = '↓'; down.setAttribute('aria-label', 'Move ' + header + ' down');
    down.addEventListener('click', () => { if (li.nextElementSibling) list.insertBefore(li.nextElementSibling, li); down.focus(); });
    li.addEventListener('dragstart', (e) => { e.dataTransfer.setData('text/plain', id); });
    li.addEventListener('dragover', (e) => e.preventDefault());
    li.addEventListener('drop', (e) => {
      e.preventDefault();
      const moved = list.querySelector('li[data-id="' + e.dataTransfer.getData('text/plain') + '"]');
      if (moved && moved !== li) list.insertBefore(moved, li);
    });
    li.append(box, label, up, down);
    list.appendChild(li);
  }
}

/** The file options of the export request; the defaults are left out, so a default export is today's request. */
function fileOptions() {
  const o = {};
  const columns = Array.from($('columns').querySelectorAll('li')).filter((li) => li.querySelector('input').checked)
    .map((li) => li.dataset.id);
  if (columns.join() !== DEFAULT_COLUMNS.join()) o.columns = columns;
  if ($('export-format').value !== 'csv') o.format = $('export-format').value;
  if ($('export-compression').value !== 'none') o.compression = $('export-compression').value;
  if (!$('split-offer').hidden && $('export-split').checked) o.split = 'auto';
  return o;
}

function size(bytes) {
  if (bytes === null || bytes === undefined) return null;
  if (bytes < 1024) return bytes + ' B';
  const units = ['KiB', 'MiB', 'GiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return v.toFixed(1) + ' ' + units[u];
}

/** The files of a completed export, each with its own link, size and SHA-256 (a split lists them all). */
function showFiles(job) {
  const list = $('export-files');
  list.replaceChildren();
  for (const f of job.files || []) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = f.downloadUrl; a.textContent = f.name; a.rel = 'noreferrer';
    const meta = document.createElement('span');
    meta.className = 'muted';
    meta.textContent = ' ' + (f.rowCount !== null && f.rowCount !== undefined ? num(f.rowCount) + ' rows, ' : '')
      + size(f.bytes) + ', SHA-256 ';
    const sha = document.createElement('code');
    sha.className = 'sha';
    sha.textContent = f.sha256;
    li.append(a, meta, sha);
    list.appendChild(li);
  }
  list.hidden = !(job.files && job.files.length > 1);
}

async function startExport() {
  const button = $('export');
  button.disabled = true;
  $('export-error').hidden = true;
  $('export-download').hidden = true;
  $('export-files').hidden = true;
  $('export-progress').value = 0;
  $('export-progress').hidden = false;
  status('Starting the export…');
  try {
    const res = await api('POST', base() + '/export', Object.assign(filters(), fileOptions()));
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
      $('export-progress').value = job.progress || 0;
      if (job.status === 'completed') {
        const split = job.files && job.files.length > 1;
        status('Export ready: ' + num(job.rowCount) + ' rows' + (split ? ' in ' + (job.files.length - 1) + ' files.' : '.'));
        $('export-progress').hidden = true;
        const a = $('export-download');
        a.href = job.downloadUrl;
        a.textContent = 'Download ' + job.filename;
        a.title = size(job.bytes) + ', SHA-256 ' + job.sha256;
        a.hidden = false;
        showFiles(job);
        $('export').disabled = false;
        loadRecent();
        return;
      }
      if (job.status === 'failed') {
        $('export-progress').hidden = true;
        status('The export failed.');
        $('export-error').textContent = job.error || 'The export failed.';
        $('export-error').hidden = false;
        $('export').disabled = false;
        loadRecent();
        return;
      }
      const eta = job.etaSeconds === null || job.etaSeconds === undefined ? ''
        : ', about ' + (job.etaSeconds < 60 ? job.etaSeconds + ' s' : Math.ceil(job.etaSeconds / 60) + ' min') + ' left';
      status((job.status === 'pending' ? 'Waiting for a worker…' : 'Exporting… ')
        + (job.status === 'processing' ? num(job.rowsWritten || 0)
          + (job.rowCount !== null && job.rowCount !== undefined ? ' of ' + num(job.rowCount) : '') + ' rows written'
          + (job.progress !== null && job.progress !== undefined ? ' (' + Math.floor(job.progress * 100) + '%)' : '') + eta : ''));
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
      cell(tr, (j.format || 'csv') + (j.compression === 'gzip' ? ' + gzip' : '')
        + (j.files && j.files.length > 1 ? ', ' + (j.files.length - 1) + ' files' : ''));
      cell(tr, size(j.bytes), 'num');
      const sha = cell(tr, j.sha256 ? j.sha256.slice(0, 12) + '…' : null);
      if (j.sha256) sha.title = j.sha256;
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
      cell(tr, 'No exports yet.').colSpan = 7;
      body.appendChild(tr);
    }
  } catch (e) { /* the panel stays as it was */ }
}

/** Mints a fresh link (every read signs a new 7-day URL) and follows it. */
async function download(jobId) {
  try {
    const job = (await api('GET', base() + '/export/' + encodeURIComponent(jobId))).data;
    showFiles(job);
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
  if (state.project) { state.page = 1; loadPickers().then(() => { loadLinks(); loadCount(); }); loadRecent(); loadNotifications(); }
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
    $('export-files').hidden = true;
    status('Exports every link that matches the filters above.');
    loadPickers().then(() => { loadLinks(); loadCount(); });
    loadRecent();
    loadNotifications();
  });
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); state.page = 1; loadLinks(); loadCount(); });
  // Choices apply at once; typed text applies with Enter or "Apply filters".
  $('filters').addEventListener('change', (e) => {
    if (e.target.tagName === 'SELECT' || e.target.type === 'checkbox' || e.target.type === 'date') {
      state.page = 1;
      loadLinks();
      loadCount();
    }
  });
  $('f-period').addEventListener('change', () => { $('f-period-custom').hidden = $('f-period').value !== 'custom'; });
  $('prev').addEventListener('click', () => { state.page = Math.max(1, state.page - 1); loadLinks(); });
  $('next').addEventListener('click', () => { state.page += 1; loadLinks(); });
  $('export').addEventListener('click', startExport);
  renderColumns(DEFAULT_COLUMNS);
  renderZones();
  $('columns-reset').addEventListener('click', () => renderColumns(DEFAULT_COLUMNS));
  $('file-options').addEventListener('submit', (e) => e.preventDefault());
  signIn();
});
