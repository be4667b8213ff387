// The terminals page: lists the user's terminals from api/terminals, opens or ends them.
// Plain DOM building with textContent only: nothing from the server is parsed as HTML.
(() => {
  'use strict';

  const list = document.getElementById('list');
  const rows = list.querySelector('tbody');
  const message = document.getElementById('message');
  const recordings = document.getElementById('recordings');
  const recordingsTitle = document.getElementById('recordings-title');

  function when(iso) {
    return iso ? new Date(iso).toLocaleString() : '';
  }

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function row(t) {
    const tr = document.createElement('tr');
    tr.dataset.terminal = t.terminal;
    // Behind a gateway each terminal runs on one of several hosts: name it.
    tr.append(cell(t.host ? `${t.title} (on ${t.host})` : t.title), cell(t.command), cell(when(t.started)), cell(when(t.lastOutput)));
    tr.append(t.clients > 0 ? cell(String(t.clients))
      : cell(`none since ${when(t.detachedSince)}`, 'detached'));
    tr.append(cell(t.columns ? `${t.columns}×${t.rows}` : ''));
    const actions = cell('', 'actions');
    const open = document.createElement('a');
    open.href = `./?t=${encodeURIComponent(t.terminal)}`;
    open.textContent = 'Open';
    const end = document.createElement('button');
    end.type = 'button';
    end.textContent = 'End';
    end.addEventListener('click', () => endTerminal(t.terminal));
    const view = button('View link', () => share(t.terminal, 'view'));
    const control = button('Control link', () => share(t.terminal, 'control'));
    const revoke = button('Revoke links', () => revokeAll(t.terminal));
    actions.append(open, view, control, revoke, end);
    tr.append(actions);
    return tr;
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
      message.textContent = 'Log in first: open a terminal, then come back here.';
      return;
    }
    if (!response.ok) {
      message.textContent = `The server answered ${response.status}.`;
      return;
    }
    const { terminals, unreachable = [] } = await response.json();
    rows.replaceChildren(...terminals.map(row));
    list.hidden = terminals.length === 0;
    message.textContent = (terminals.length === 0 ? 'No terminals are running.' : '')
      + (unreachable.length > 0 ? ` Not answering now, so their terminals are not listed: ${unreachable.join(', ')}.` : '');
    loadRecordings();
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
      item.append(link, ` (${when(r.started)}, ${Math.ceil(r.bytes / 1024)} KiB)`);
      return item;
    }));
    recordingsTitle.hidden = found.length === 0;
  }

  function button(text, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'plain';
    b.textContent = text;
    b.addEventListener('click', onClick);
    return b;
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
    message.textContent = response && (response.ok || response.status === 404) ? '' : 'Could not end it.';
    setTimeout(load, 300); // the hang-up takes a moment
  }

  load();
  setInterval(load, 5000);
})();
