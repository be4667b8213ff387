// The terminals page: lists the user's terminals from api/terminals, opens or ends them. Each
// entry says what runs where, glances at its last lines, and is kept across refreshes (updated in
// place), so that a confirmation being answered is not wiped by the next refresh.
// Plain DOM building with textContent only: nothing from the server is parsed as HTML.
(() => {
  'use strict';

  const REFRESH_MS = 5000;
  const { label, ago, shortHandle } = window.CloudTermNames;

  const list = document.getElementById('list');
  const message = document.getElementById('message');
  const recordings = document.getElementById('recordings');
  const recordingsTitle = document.getElementById('recordings-title');
  /** handle -> the entry showing it */
  const entries = new Map();

  function element(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function button(text, onClick, className = 'plain') {
    const b = element('button', className, text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  /** A relative time ("3 min ago") that the ticker keeps current, the exact time on hover. */
  function time(prefix, iso) {
    const span = element('span', 'time');
    span.dataset.prefix = prefix;
    span.dataset.time = iso;
    span.title = new Date(iso).toLocaleString();
    span.textContent = `${prefix} ${ago(iso)}`;
    return span;
  }

  function tick() {
    for (const span of document.querySelectorAll('span.time')) {
      span.textContent = `${span.dataset.prefix} ${ago(span.dataset.time)}`;
    }
  }

  /** One terminal's entry: built once, then updated with each listing. */
  function entry(handle) {
    const item = element('li', 'terminal');
    item.dataset.terminal = handle;
    const head = element('div', 'head');
    const name = element('a', 'name');
    name.href = `./?t=${encodeURIComponent(handle)}`;
    const id = element('span', 'handle', `#${shortHandle(handle)}`);
    id.title = handle;
    head.append(name, id);
    const facts = element('p', 'facts');
    const glance = element('div', 'glance');
    glance.setAttribute('aria-label', 'Last lines');
    const actions = element('div', 'actions');
    const open = element('a', 'open', 'Open');
    open.href = name.href;
    const end = button('End', () => confirmEnd(), 'end');
    actions.append(open, button('View link', () => share(handle, 'view')),
      button('Control link', () => share(handle, 'control')), button('Revoke links', () => revokeAll(handle)), end);
    const confirm = element('div', 'confirm');
    confirm.hidden = true;
    const question = element('span', 'question');
    const yes = button('End it', async () => {
      question.textContent = 'Ending…';
      if (!await endTerminal(handle)) showConfirm(false);
    }, 'end');
    const keep = button('Keep', () => showConfirm(false));
    confirm.append(question, yes, keep);
    item.append(head, facts, glance, actions, confirm);

    // End asks first, in place: the question names the terminal, Keep (focused) changes nothing.
    function showConfirm(shown) {
      confirm.hidden = !shown;
      actions.hidden = shown;
      (shown ? keep : end).focus();
    }
    function confirmEnd() {
      question.textContent = `End ${name.textContent}? What runs in it stops.`;
      showConfirm(true);
    }
    confirm.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') showConfirm(false);
    });

    return {
      item,
      update(t) {
        name.textContent = label(t);
        // Behind a gateway each terminal runs on one of several hosts: name it.
        const parts = [];
        if (t.program && t.title) parts.push(element('span', null, t.title));
        if (t.host) parts.push(element('span', null, `on ${t.host}`));
        parts.push(time('started', t.started), time('output', t.lastOutput));
        if (t.clients > 0) {
          parts.push(element('span', 'attached', t.clients === 1 ? 'open in 1 tab' : `open in ${t.clients} tabs`));
        } else if (t.detachedSince) {
          parts.push(time('detached', t.detachedSince));
        }
        if (t.columns) parts.push(element('span', null, `${t.columns}×${t.rows}`));
        facts.replaceChildren(...parts);
        loadGlance(handle, glance);
      },
    };
  }

  /** The terminal's last lines as plain text (the server strips the escape sequences). */
  async function loadGlance(handle, into) {
    const response = await fetch(`api/terminals/${encodeURIComponent(handle)}/glance`,
      { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
    if (!response || !response.ok) return;
    const text = await response.text();
    into.replaceChildren(...(text ? text.split('\n') : []).map((line) => element('div', 'line', line || ' ')));
    into.hidden = text === '';
  }

  async function load() {
    let response;
    try {
      response = await fetch('api/terminals', { credentials: 'same-origin', cache: 'no-store' });
    } catch {
      message.textContent = 'Cannot reach the server.';
      return;
    }
    if (response.status === 401) {
      await needLogin();
      return;
    }
    if (!response.ok) {
      message.textContent = `The server answered ${response.status}.`;
      return;
    }
    const { terminals, unreachable = [] } = await response.json();
    const seen = new Set();
    for (const t of terminals) {
      seen.add(t.terminal);
      let shown = entries.get(t.terminal);
      if (!shown) {
        shown = entry(t.terminal);
        entries.set(t.terminal, shown);
      }
      shown.update(t);
      list.append(shown.item); // in the server's order; appending an existing node moves it
    }
    for (const [handle, shown] of entries) {
      if (!seen.has(handle)) {
        shown.item.remove();
        entries.delete(handle);
      }
    }
    list.hidden = terminals.length === 0;
    message.textContent = (terminals.length === 0 ? 'No terminals are running.' : '')
      + (unreachable.length > 0 ? ` Not answering now, so their terminals are not listed: ${unreachable.join(', ')}.` : '');
    loadRecordings();
  }

  /** No session: with accounts, the login form (and back here after); else say how to log in. */
  async function needLogin() {
    const form = await fetch('login', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
    if (form && form.ok) {
      location.assign('login?next=' + encodeURIComponent(location.pathname + location.search));
      return;
    }
    const link = element('a', null, 'open a terminal');
    link.href = './';
    message.replaceChildren('Log in first: open the link the server printed, or ', link, ', then come back here.');
  }

  // Recordings (--record) of this user's terminals, as downloads: asciicast v2, for asciinema play.
  async function loadRecordings() {
    const response = await fetch('api/recordings', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
    if (!response || !response.ok) return;
    const { recordings: found } = await response.json();
    recordings.replaceChildren(...found.map((r) => {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = `api/recordings/${encodeURIComponent(r.terminal)}`;
      link.download = r.file;
      link.textContent = r.file;
      item.append(link, ` (${new Date(r.started).toLocaleString()}, ${Math.ceil(r.bytes / 1024)} KiB)`);
      return item;
    }));
    recordingsTitle.hidden = found.length === 0;
  }

  // A share link carries its token in the fragment (#share=…), which browsers never send to a
  // server. A view link lets whoever holds it watch without a login, unless "signed-in users
  // only" is ticked; a control link always needs its holder to log in as themselves.
  async function share(handle, access) {
    const signedInOnly = access === 'control' || document.getElementById('signed-in-only').checked;
    const response = await fetch(`api/terminals/${encodeURIComponent(handle)}/shares`, {
      method: 'POST', credentials: 'same-origin', body: new URLSearchParams({ access, signedInOnly }),
    }).catch(() => null);
    if (!response || response.status !== 201) {
      message.textContent = 'Could not make a link.';
      return;
    }
    const { link } = await response.json();
    const absolute = new URL(link, location.href).href;
    const who = signedInOnly ? 'for signed-in users' : 'for anyone who has it, no login needed';
    message.textContent = `${access === 'control' ? 'Control' : 'Read-only'} link, ${who} (give it only to whom it is for): ${absolute}`;
    navigator.clipboard?.writeText(absolute).catch(() => {});
  }

  async function revokeAll(handle) {
    const base = `api/terminals/${encodeURIComponent(handle)}/shares`;
    const response = await fetch(base, { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
    if (!response || !response.ok) return;
    const { shares } = await response.json();
    await Promise.all(shares.map((s) => fetch(`${base}/${encodeURIComponent(s.id)}`,
      { method: 'DELETE', credentials: 'same-origin' }).catch(() => null)));
    message.textContent = shares.length ? `Revoked ${shares.length} link(s); their viewers were let go.` : 'No links to revoke.';
  }

  async function endTerminal(handle) {
    const response = await fetch(`api/terminals/${encodeURIComponent(handle)}`,
      { method: 'DELETE', credentials: 'same-origin' }).catch(() => null);
    const ended = Boolean(response && (response.ok || response.status === 404));
    message.textContent = ended ? '' : 'Could not end it.';
    setTimeout(load, 300); // the hang-up takes a moment
    return ended;
  }

  load();
  setInterval(load, REFRESH_MS);
  setInterval(tick, REFRESH_MS);
})();
