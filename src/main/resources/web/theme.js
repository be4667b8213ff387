// Light or dark, as the system (prefers-color-scheme) says, switching while the page is open. A
// theme the server's operator chose (-t theme=..., in SET_PREFERENCES) wins: that terminal then
// keeps it. The root element's data-theme names the theme in use, for the page's own styles.
(() => {
  'use strict';

  const LIGHT = {
    background: '#fafafa',
    foreground: '#383a42',
    cursor: '#383a42',
    cursorAccent: '#fafafa',
    selectionBackground: '#c9d7f0',
    black: '#383a42', red: '#c0392b', green: '#3f8a2e', yellow: '#986801',
    blue: '#2f6bd8', magenta: '#a626a4', cyan: '#0f7f8f', white: '#a0a1a7',
    brightBlack: '#696c77', brightRed: '#e45649', brightGreen: '#50a14f', brightYellow: '#c18401',
    brightBlue: '#4078f2', brightMagenta: '#c44fc2', brightCyan: '#0997b3', brightWhite: '#ffffff',
  };

  const light = window.matchMedia('(prefers-color-scheme: light)');
  /** The current terminal, its own (dark) theme, and whether it follows the system. */
  let current = null;

  document.addEventListener('cloudterm:terminal', (event) => {
    const { term } = event.detail;
    current = { term, dark: term.options.theme, applied: null, follows: true };
    apply();
  });

  // TERMINAL_INFO comes after SET_PREFERENCES: if the theme is no longer the one set here, the
  // operator's preferences changed it, and the terminal keeps theirs.
  document.addEventListener('cloudterm:info', () => {
    if (!current || !current.follows) return;
    if (JSON.stringify(current.term.options.theme) !== JSON.stringify(current.applied)) {
      current.follows = false;
      document.documentElement.dataset.theme = 'server';
    }
  });

  document.addEventListener('cloudterm:closed', () => {
    current = null;
  });

  light.addEventListener('change', () => {
    if (current && current.follows) apply();
  });

  function apply() {
    const isLight = light.matches;
    const theme = isLight ? LIGHT : current.dark;
    current.term.options.theme = theme;
    current.applied = current.term.options.theme;
    document.documentElement.dataset.theme = isLight ? 'light' : 'dark';
    // The padding around the terminal shows the page's background: keep it the theme's.
    document.documentElement.style.setProperty('--background', theme.background);
  }
})();
