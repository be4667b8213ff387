// A bell (BEL, ^G) while the tab is hidden flashes the tab's title ("🔔 title", then "title"),
// once a second, until the tab is shown again: a long job that rings when done is noticed from
// another tab. A bell in the visible tab does nothing. The root element's data-bell is there
// while the title flashes.
(() => {
  'use strict';

  const BELL = '🔔 ';
  const FLASH_MS = 1000;

  let timer = 0;
  /** The title without the bell; app.js may change it meanwhile (a program's title, a new terminal). */
  let plain = '';

  document.addEventListener('cloudterm:terminal', (event) => {
    event.detail.term.onBell(ring);
  });

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) stop();
  });

  function ring() {
    // A bell in the history replayed on a reload rang long ago.
    if (!document.hidden || timer || (window.cloudterm && window.cloudterm.replaying)) return;
    plain = document.title;
    document.documentElement.dataset.bell = 'flashing';
    flash();
    timer = setInterval(flash, FLASH_MS);
  }

  function flash() {
    const title = document.title;
    if (title !== plain && title !== BELL + plain) plain = title; // changed by someone else
    document.title = title === BELL + plain ? plain : BELL + plain;
  }

  function stop() {
    if (!timer) return;
    clearInterval(timer);
    timer = 0;
    delete document.documentElement.dataset.bell;
    if (document.title === BELL + plain) document.title = plain;
  }
})();
