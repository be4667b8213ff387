// Font size from the keyboard: Ctrl+= (or Ctrl++) larger, Ctrl+- smaller, Ctrl+0 back to the
// server's size. The choice is kept in this browser (localStorage) for every terminal, and the
// terminal refits: the program is told its new size in rows and columns.
(() => {
  'use strict';

  const KEY = 'cloudterm-font-size';
  const SMALLEST = 6;
  const LARGEST = 40;

  /** The current terminal, its refitting, and the size the server chose (Ctrl+0 goes back to it). */
  let current = null;

  document.addEventListener('cloudterm:terminal', (event) => {
    const { term } = event.detail;
    // A fit addon of our own: app.js's refits on window resizes only, not on a font change.
    const fit = new FitAddon.FitAddon();
    term.loadAddon(fit);
    current = { term, fit, serverSize: term.options.fontSize };
  });

  // TERMINAL_INFO comes after SET_PREFERENCES: the server's fontSize (-t fontSize=N) is set by now.
  document.addEventListener('cloudterm:info', () => {
    if (!current) return;
    current.serverSize = current.term.options.fontSize;
    const chosen = stored();
    if (chosen) setSize(chosen);
  });

  document.addEventListener('cloudterm:closed', () => {
    current = null;
  });

  // Capture phase on window: these keys are the page's, before xterm.js sends them to the program
  // (Ctrl+- would arrive as ^_) and before the browser zooms the whole page.
  window.addEventListener('keydown', (event) => {
    if (!current || !event.ctrlKey || event.altKey || event.metaKey) return;
    let size;
    if (event.key === '=' || event.key === '+' || event.code === 'NumpadAdd') {
      size = current.term.options.fontSize + 1;
    } else if ((event.key === '-' || event.code === 'NumpadSubtract') && !event.shiftKey) {
      size = current.term.options.fontSize - 1;
    } else if ((event.key === '0' || event.code === 'Numpad0') && !event.shiftKey) {
      size = null;
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (size === null) {
      forget();
      setSize(current.serverSize);
    } else {
      size = Math.min(LARGEST, Math.max(SMALLEST, size));
      remember(size);
      setSize(size);
    }
  }, true);

  function setSize(size) {
    current.term.options.fontSize = size;
    try {
      current.fit.fit(); // fires onResize, and so RESIZE_TERMINAL, when the cell count changes
    } catch (e) {
      console.warn('CloudTerm: fit after a font change failed', e);
    }
  }

  // Storage may be off (a private window, a policy): the size then lasts as long as the page.
  function stored() {
    try {
      const size = Number.parseInt(localStorage.getItem(KEY), 10);
      return size >= SMALLEST && size <= LARGEST ? size : null;
    } catch {
      return null;
    }
  }

  function remember(size) {
    try {
      localStorage.setItem(KEY, String(size));
    } catch {
      // not kept; see stored()
    }
  }

  function forget() {
    try {
      localStorage.removeItem(KEY);
    } catch {
      // nothing was kept
    }
  }
})();
