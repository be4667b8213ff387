// Search in the terminal's screen and scrollback: Ctrl+Shift+F opens a small box; Enter finds the
// next match, Shift+Enter the previous one, Esc closes the box and gives the keys back to the
// terminal. Every match is highlighted, the current one more, and the box says "n of m".
// Keys typed in the box stay in the box: the terminal (and the program) never sees them.
(() => {
  'use strict';

  // Highlights the text stays readable on: pale on the light theme, deep on the dark ones. The
  // current match is also selected, so it shows in the theme's selection colour as well.
  const DECORATIONS = {
    light: {
      matchBackground: '#f3dc8a', matchBorder: '#c9a227', matchOverviewRuler: '#c9a227',
      activeMatchBackground: '#f0a040', activeMatchBorder: '#383a42', activeMatchColorOverviewRuler: '#f0a040',
    },
    dark: {
      matchBackground: '#5a4a1a', matchBorder: '#a08530', matchOverviewRuler: '#a08530',
      activeMatchBackground: '#9a6212', activeMatchBorder: '#d7dae0', activeMatchColorOverviewRuler: '#e5c07b',
    },
  };

  /** The current terminal's addon, once addons.js has attached it. */
  let current = null;
  let box = null;

  document.addEventListener('cloudterm:addons', (event) => {
    current = event.detail;
    current.search.onDidChangeResults(({ resultIndex, resultCount }) => {
      if (box && current && current.search === event.detail.search) showCount(resultIndex, resultCount);
    });
    if (box && !box.root.hidden) find(true);
  });

  document.addEventListener('cloudterm:closed', () => {
    current = null;
    close(false);
  });

  // Capture phase on window: the shortcut is the page's, before xterm.js turns it into a key for
  // the program.
  window.addEventListener('keydown', (event) => {
    if (!event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey || event.code !== 'KeyF') return;
    event.preventDefault();
    event.stopPropagation();
    open();
  }, true);

  function build() {
    const root = document.createElement('div');
    root.id = 'search';
    root.className = 'search';
    root.setAttribute('role', 'search');
    root.hidden = true;
    const input = document.createElement('input');
    input.type = 'search';
    input.placeholder = 'Find';
    input.setAttribute('aria-label', 'Find in the terminal');
    input.spellcheck = false;
    input.autocomplete = 'off';
    const count = document.createElement('span');
    count.className = 'search-count';
    count.setAttribute('aria-live', 'polite');
    const previous = button('↑', 'Previous match (Shift+Enter)', () => find(false, true));
    const next = button('↓', 'Next match (Enter)', () => find(false));
    const done = button('✕', 'Close (Esc)', () => close(true));
    root.append(input, count, previous, next, done);
    document.body.appendChild(root);

    input.addEventListener('input', () => find(true));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.isComposing) {
        event.preventDefault();
        find(false, event.shiftKey);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        close(true);
      }
      // Nothing typed here goes further: not to the page's other shortcuts, not to the terminal.
      event.stopPropagation();
    });
    return { root, input, count };
  }

  function button(text, title, action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.title = title;
    b.setAttribute('aria-label', title);
    b.addEventListener('click', action);
    return b;
  }

  function open() {
    if (!box) box = build();
    box.root.hidden = false;
    const selection = current && current.term.hasSelection() ? current.term.getSelection() : '';
    if (selection && !selection.includes('\n')) box.input.value = selection;
    box.input.focus();
    box.input.select();
    if (box.input.value) find(true);
  }

  function close(refocus) {
    if (!box || box.root.hidden) return;
    box.root.hidden = true;
    box.count.textContent = '';
    if (current) {
      current.search.clearDecorations();
      if (refocus) current.term.focus();
    }
  }

  /** incremental: as the text is typed, stay on the current match if it still matches. */
  function find(incremental, backwards = false) {
    if (!box) return;
    const text = box.input.value;
    if (!current) {
      box.count.textContent = text ? '…' : '';
      return;
    }
    if (!text) {
      current.search.clearDecorations();
      box.count.textContent = '';
      return;
    }
    const decorations = document.documentElement.dataset.theme === 'light' ? DECORATIONS.light : DECORATIONS.dark;
    const options = { decorations, incremental: incremental && !backwards };
    const found = backwards ? current.search.findPrevious(text, options) : current.search.findNext(text, options);
    if (!found) showCount(-1, 0);
  }

  function showCount(index, total) {
    if (!box) return;
    if (!box.input.value) {
      box.count.textContent = '';
    } else if (total === 0) {
      box.count.textContent = 'No results';
    } else if (index < 0) {
      box.count.textContent = `${total}+`; // more matches than the highlight limit: no position
    } else {
      box.count.textContent = `${index + 1} of ${total}`;
    }
  }
})();
