// The terminals page: lists the user's terminals from api/terminals, opens or ends them.
// Plain DOM building with textContent only: nothing from the server is parsed as HTML.
(() => {
  'use strict';

  const list = document.getElementById('list');
  const rows = list.querySelector('tbody');
  const message = document.getElementById('message');

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
    tr.append(cell(t.title), cell(when(t.started)), cell(when(t.lastOutput)));
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
    actions.append(open, end);
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
    const { terminals } = await response.json();
    rows.replaceChildren(...terminals.map(row));
    list.hidden = terminals.length === 0;
    message.textContent = terminals.length === 0 ? 'No terminals are running.' : '';
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
