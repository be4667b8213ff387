// Resume instead of piling up. A closed tab leaves its terminal running, detached, for the
// keep-alive, and a user has only so many: a page opened anew first offers the most recently
// detached one, and at the limit (close code 4006) the page lists the detached ones to resume or
// end, instead of an error. Without detached terminals nothing is shown and nothing waits.
(() => {
  'use strict';

  const TOO_MANY_TERMINALS = 4006;
  /** How long to wait for an ended terminal to leave the list before opening the new one. */
  const ENDING_WAIT_MS = 10000;
  const ENDING_POLL_MS = 250;
  /** The offer holds up the page's first terminal: a slow answer (a host behind a gateway not answering) is no offer. */
  const OFFER_WAIT_MS = 3000;
  const { label, ago, detached, shortHandle } = window.CloudTermNames;

  async function terminals(init = {}) {
    const response = await fetch('api/terminals', { credentials: 'same-origin', cache: 'no-store', ...init }).catch(() => null);
    if (!response || !response.ok) return null; // not logged in yet, or no API: the page goes on as before
    const body = await response.json().catch(() => null); // cut off by the time limit, or not JSON
    return body && Array.isArray(body.terminals) ? body.terminals : null;
  }

  function element(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function button(text, className, onClick) {
    const b = element('button', className, text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  // ---- the offer, before the page's first new terminal ---------------------------------------

  document.addEventListener('cloudterm:starting', (event) => event.detail.hold(offer()));

  /** The handle of the terminal to resume, or null for a new one. */
  async function offer() {
    const all = await terminals({ signal: AbortSignal.timeout(OFFER_WAIT_MS) });
    const latest = all && detached(all)[0];
    if (!latest) return null;
    return new Promise((resolve) => {
      const panel = element('div', 'resume-offer');
      panel.setAttribute('role', 'dialog');
      panel.setAttribute('aria-labelledby', 'resume-question');
      const question = element('p', null, `Resume ${label(latest)}, detached ${ago(latest.detachedSince)}?`);
      question.id = 'resume-question';
      const choose = (handle) => {
        panel.remove();
        resolve(handle);
      };
      const resume = button('Resume', 'primary', () => choose(latest.terminal));
      const fresh = button('New terminal', 'plain', () => choose(null));
      const more = detached(all).length - 1;
      const actions = element('p', 'resume-actions');
      actions.append(resume, fresh);
      panel.append(question, actions);
      if (more > 0) {
        const link = element('a', null, `${more} more detached`);
        link.href = 'terminals.html';
        panel.append(element('p', 'resume-more'));
        panel.lastChild.append(link);
      }
      panel.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') choose(null);
      });
      document.body.append(panel);
      resume.focus();
    });
  }

  // ---- at the limit: resume or end one -------------------------------------------------------

  let limitList = null;
  document.addEventListener('cloudterm:terminal', () => {
    limitList?.remove();
    limitList = null;
  });
  document.addEventListener('cloudterm:disconnected', async (event) => {
    limitList?.remove();
    limitList = null;
    if (event.detail.code !== TOO_MANY_TERMINALS) return;
    const all = await terminals();
    const waiting = all ? detached(all) : [];
    if (waiting.length === 0) return; // all in use in other tabs: the page's own message stands
    showLimit(waiting, event.detail.connect);
  });

  function showLimit(waiting, connect) {
    const box = document.querySelector('#overlay .overlay-box');
    if (!box) return;
    limitList?.remove();
    document.getElementById('overlay-title').textContent = 'You have as many terminals as you may';
    document.getElementById('overlay-detail').textContent = 'Resume one you left, or end one to open a new terminal.';
    document.getElementById('overlay-action').hidden = true;
    limitList = element('ul', 'limit-list');
    for (const t of waiting) {
      const item = element('li');
      item.dataset.terminal = t.terminal;
      const name = element('span', 'limit-name', label(t));
      name.append(' ', element('span', 'limit-handle', `#${shortHandle(t.terminal)}`)); // two alike still differ
      const when = element('span', 'limit-when', `detached ${ago(t.detachedSince)}`);
      const resume = button('Resume', 'primary', () => {
        const url = new URL(location.href);
        url.searchParams.set('t', t.terminal);
        history.replaceState(history.state, '', url.pathname + url.search + url.hash);
        connect();
      });
      const end = button('End', 'end', async () => {
        end.disabled = true;
        resume.disabled = true;
        when.textContent = 'ending…';
        if (await endAndAwaitGone(t.terminal)) {
          connect(); // a new terminal: the one that did not fit
        } else {
          when.textContent = 'could not end it';
        }
      });
      item.append(name, when, resume, end);
      limitList.append(item);
    }
    box.append(limitList);
    limitList.querySelector('button').focus();
  }

  /** Ends a terminal and waits (bounded) until it has left the list, so its place is free. */
  async function endAndAwaitGone(handle) {
    const response = await fetch(`api/terminals/${encodeURIComponent(handle)}`,
      { method: 'DELETE', credentials: 'same-origin' }).catch(() => null);
    if (!response || !(response.ok || response.status === 404)) return false;
    const deadline = Date.now() + ENDING_WAIT_MS;
    while (Date.now() < deadline) {
      const all = await terminals();
      if (all && !all.some((t) => t.terminal === handle)) return true;
      await new Promise((resolve) => setTimeout(resolve, ENDING_POLL_MS));
    }
    return false;
  }
})();
