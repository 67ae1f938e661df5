// The Scheduled exports and Webhooks panels. Uses app.js's helpers (api, $, cell, when, filters, fileOptions, state).
// Every value from the API is rendered with textContent (never as HTML).
'use strict';

const WEEKDAYS = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function projectBase() { return '/api/v1/projects/' + encodeURIComponent(state.project); }

/** Calls the API and shows the server's own message on failure (api() words it for exports). */
async function call(method, path, body, statusId) {
  try {
    return await api(method, path, body);
  } catch (e) {
    // the panels' refusals are not the export's: the server's own words
    $(statusId).textContent = e.serverMessage || e.message;
    $(statusId).classList.add('error');
    throw e;
  }
}

function say(statusId, text) {
  $(statusId).textContent = text;
  $(statusId).classList.remove('error');
}

function actionButton(label, aria, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'link';
  b.textContent = label;
  b.setAttribute('aria-label', aria);
  b.addEventListener('click', onClick);
  return b;
}

/**
 * A row's button that sends one request and, when it succeeded, says {@code done} and reloads its panel (after
 * {@code delay} ms, for an answer that comes later); a failure's reason goes to the panel's status line.
 */
function requestButton(label, aria, statusId, method, path, body, done, reload, delay) {
  const button = actionButton(label, aria, async () => {
    if (button.disabled) return;
    button.disabled = true; // one request per click, until its answer
    try {
      await call(method, projectBase() + path, body, statusId);
      if (done) say(statusId, done);
      setTimeout(reload, delay || 0);
    } catch (e) { /* the status says why */ } finally { button.disabled = false; }
  });
  return button;
}

/** A row's state: a green or red badge, and the reason it is off when there is one. */
function stateCell(tr, on, text, reason) {
  const td = cell(tr, '');
  const badge = document.createElement('span');
  badge.className = 'badge ' + (on ? 'completed' : 'failed');
  badge.textContent = text;
  td.replaceChildren(badge);
  if (reason) td.append(' ' + reason);
}

function loadNotifications() {
  $('webhook-secret-note').hidden = true;
  $('webhook-secret').textContent = '';
  loadSchedules();
  loadWebhooks();
}

// ---- schedules -------------------------------------------------------------------------------------------------------

function cadenceText(s) {
  const at = ' at ' + s.time + ' (' + s.timezone + ')';
  if (s.cadence === 'weekly') return 'Every ' + WEEKDAYS[s.weekday] + at;
  if (s.cadence === 'monthly') return 'Monthly on day ' + s.dayOfMonth + at;
  return 'Every day' + at;
}

/** The export body of the schedule: the filters on screen without their fixed period, and the file options. */
function scheduleFilters() {
  const f = Object.assign(filters(), fileOptions());
  delete f.metricsFrom;
  delete f.metricsTo;
  return f;
}

/** Runs a form's request once at a time: its button is disabled until the answer. */
async function once(buttonId, work) {
  const b = $(buttonId);
  if (b.disabled) return;
  b.disabled = true;
  try { await work(); } finally { b.disabled = false; }
}

async function createSchedule(e) {
  e.preventDefault();
  await once('s-create', submitSchedule);
}

async function submitSchedule() {
  const cadence = $('s-cadence').value;
  const body = { filters: scheduleFilters(), cadence, time: $('s-time').value,
    timezone: $('f-tz').value || 'UTC', window: $('s-window').checked ? 'previousPeriod' : null };
  if (cadence === 'weekly') body.weekday = Number($('s-weekday').value);
  if (cadence === 'monthly') body.dayOfMonth = Number($('s-day').value);
  const to = $('s-recipients').value.split(',').map((r) => r.trim()).filter((r) => r);
  if (to.length) body.recipients = to;
  try {
    const s = (await call('POST', projectBase() + '/links/export-schedules', body, 'schedule-status')).data;
    say('schedule-status', 'Scheduled: next run ' + when(s.nextRunAt) + '.');
    loadSchedules();
  } catch (err) { /* the status says why */ }
}

const loaded = { schedules: 0, webhooks: 0 };

/**
 * Fetches a panel's rows for the current project; null when a newer load started meanwhile (another project picked)
 * or the project refuses them (a viewer): then the table is emptied, never left showing another project's rows.
 */
async function rowsOf(panel, path) {
  const seq = ++loaded[panel];
  const project = state.project;
  let list = null;
  try {
    list = (await api('GET', projectBase() + path)).data;
  } catch (e) { /* shown as an empty table */ }
  if (seq !== loaded[panel] || project !== state.project) return null;
  $(panel).tBodies[0].replaceChildren();
  return list;
}

/** Loads a panel's rows and renders each with {@code fill(tr, item)}; an empty list says {@code none}. */
async function renderPanel(panel, path, none, fill) {
  const list = await rowsOf(panel, path);
  if (list === null) return;
  const body = $(panel).tBodies[0];
  for (const item of list) {
    const tr = document.createElement('tr');
    tr.dataset.id = item.id;
    fill(tr, item);
    body.appendChild(tr);
  }
  if (list.length === 0) {
    const tr = document.createElement('tr');
    cell(tr, none).colSpan = $(panel).tHead.rows[0].cells.length;
    body.appendChild(tr);
  }
}

function loadSchedules() {
  return renderPanel('schedules', '/links/export-schedules', 'No scheduled exports.', (tr, s) => {
    cell(tr, cadenceText(s));
    cell(tr, s.enabled ? when(s.nextRunAt) : '—').className = 'next';
    cell(tr, s.recipients.join(', '));
    cell(tr, s.window === 'previousPeriod' ? 'previous ' + { daily: 'day', weekly: '7 days', monthly: 'month' }[s.cadence]
      : 'all time');
    stateCell(tr, s.enabled, s.enabled ? 'active' : 'paused', s.pausedReason);
    const actions = cell(tr, '');
    const path = '/links/export-schedules/' + s.id;
    actions.replaceChildren(
      requestButton(s.enabled ? 'Pause' : 'Resume', (s.enabled ? 'Pause ' : 'Resume ') + cadenceText(s),
        'schedule-status', 'PATCH', path, { enabled: !s.enabled }, s.enabled ? 'Paused.' : 'Resumed.', loadSchedules),
      requestButton('Delete', 'Delete ' + cadenceText(s), 'schedule-status', 'DELETE', path, undefined, 'Deleted.',
        loadSchedules));
  });
}

// ---- webhooks --------------------------------------------------------------------------------------------------------

async function createWebhook(e) {
  e.preventDefault();
  await once('w-create', submitWebhook);
}

async function submitWebhook() {
  const events = [];
  if ($('w-completed').checked) events.push('export.completed');
  if ($('w-failed').checked) events.push('export.failed');
  try {
    const w = (await call('POST', projectBase() + '/webhooks', { url: $('w-url').value.trim(), events },
      'webhook-status')).data;
    say('webhook-status', 'Webhook added.');
    $('webhook-secret').textContent = w.secret;
    $('webhook-secret-note').hidden = false;
    $('w-url').value = '';
    loadWebhooks();
  } catch (err) { /* the status says why */ }
}

function loadWebhooks() {
  return renderPanel('webhooks', '/webhooks', 'No webhooks.', (tr, w) => {
    cell(tr, w.url, 'url').title = w.url;
    cell(tr, w.events.join(', '));
    stateCell(tr, w.enabled, w.enabled ? 'enabled' : 'disabled', w.disabledReason);
    const last = cell(tr, '');
    last.className = 'deliveries';
    for (const d of (w.recentDeliveries || []).slice(0, 5)) {
      const b = document.createElement('span');
      b.className = 'badge ' + (d.status === 'delivered' ? 'completed' : d.status === 'failed' ? 'failed' : '');
      b.textContent = d.type + ': ' + d.status + (d.lastStatus ? ' (' + d.lastStatus + ')' : '');
      b.title = (d.lastError || '') + ' ' + (when(d.deliveredAt || d.createdAt) || '');
      last.append(b, ' ');
    }
    if (!(w.recentDeliveries || []).length) last.textContent = 'none yet';
    const actions = cell(tr, '');
    const path = '/webhooks/' + w.id;
    actions.replaceChildren(
      requestButton('Send test', 'Send a test event to ' + w.url, 'webhook-status', 'POST', path + '/test', undefined,
        'Test event sent.', loadWebhooks, 1500),
      requestButton(w.enabled ? 'Pause' : 'Resume', (w.enabled ? 'Pause ' : 'Resume ') + w.url, 'webhook-status',
        'PATCH', path, { enabled: !w.enabled }, null, loadWebhooks),
      requestButton('Delete', 'Delete the webhook ' + w.url, 'webhook-status', 'DELETE', path, undefined,
        'Webhook deleted.', loadWebhooks));
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('s-cadence').addEventListener('change', () => {
    $('s-weekday-field').hidden = $('s-cadence').value !== 'weekly';
    $('s-day-field').hidden = $('s-cadence').value !== 'monthly';
  });
  $('schedule-form').addEventListener('submit', createSchedule);
  $('webhook-form').addEventListener('submit', createWebhook);
  $('w-refresh').addEventListener('click', loadWebhooks);
  // the schedules' next runs are shown in the picked zone
  $('f-tz').addEventListener('change', loadSchedules);
});
