// The key bar: on touch screens, the keys a phone's soft keyboard lacks (Esc, Tab, Ctrl, Alt,
// arrows, | ~ /), under the terminal. Ctrl and Alt are sticky: tapped, they stay pressed until
// the next key (from the bar or the soft keyboard) takes them. Tapping the bar never moves the
// focus, so the soft keyboard stays up. Hidden for read-only viewers and on mouse-driven screens.
(() => {
  'use strict';

  const ESC = '\x1b';
  const KEYS = [
    { label: 'Esc', text: ESC, name: 'Escape' },
    { label: 'Tab', text: '\t', name: 'Tab' },
    { label: 'Ctrl', modifier: 'ctrl', name: 'Control' },
    { label: 'Alt', modifier: 'alt', name: 'Alt' },
    { label: '←', arrow: 'D', name: 'Left' },
    { label: '↑', arrow: 'A', name: 'Up' },
    { label: '↓', arrow: 'B', name: 'Down' },
    { label: '→', arrow: 'C', name: 'Right' },
    { label: '|', text: '|', name: 'Vertical bar' },
    { label: '~', text: '~', name: 'Tilde' },
    { label: '/', text: '/', name: 'Slash' },
  ];

  const touch = window.matchMedia('(pointer: coarse)');
  /** The cloudterm:terminal detail of the terminal shown now, or null. */
  let current = null;
  let viewer = false;
  const held = { ctrl: false, alt: false };
  const buttons = {};
  const bar = build();

  function build() {
    const element = document.createElement('div');
    element.id = 'keybar';
    element.setAttribute('role', 'toolbar');
    element.setAttribute('aria-label', 'Extra keys');
    element.hidden = true;
    for (const key of KEYS) {
      const b = document.createElement('button');
      b.type = 'button';
      b.tabIndex = -1; // never a focus target: the terminal keeps the focus
      b.textContent = key.label;
      b.setAttribute('aria-label', key.name);
      if (key.modifier) {
        b.setAttribute('aria-pressed', 'false');
        buttons[key.modifier] = b;
      }
      // Acting on pointerdown and cancelling what follows it (the mouse events a tap becomes,
      // which would focus the button) keeps the focus, and so the soft keyboard, on the terminal.
      b.addEventListener('pointerdown', (event) => {
        event.preventDefault();
        press(key);
      });
      b.addEventListener('mousedown', (event) => event.preventDefault());
      b.addEventListener('touchstart', (event) => event.preventDefault(), { passive: false });
      element.append(b);
    }
    document.body.append(element);
    return element;
  }

  function press(key) {
    if (!current || !current.isCurrent()) return;
    if (key.modifier) {
      held[key.modifier] = !held[key.modifier];
      showHeld();
      return;
    }
    const text = key.arrow ? arrow(key.arrow) : withModifiers(key.text);
    release();
    current.typeText(text);
  }

  /** An arrow key as xterm sends it: CSI, or SS3 in application cursor mode; modifiers as CSI 1;m. */
  function arrow(final) {
    const m = 1 + (held.alt ? 2 : 0) + (held.ctrl ? 4 : 0);
    if (m > 1) return `${ESC}[1;${m}${final}`;
    const application = current.term.modes && current.term.modes.applicationCursorKeysMode;
    return `${ESC}${application ? 'O' : '['}${final}`;
  }

  /** What a key's text becomes with the held modifiers: Ctrl makes a control character, Alt prefixes ESC. */
  function withModifiers(text) {
    let out = text;
    if (held.ctrl && out.length > 0) out = control(out[0]) + out.slice(1);
    if (held.alt) out = ESC + out;
    return out;
  }

  /** Ctrl with a character, as a terminal keyboard sends it (Ctrl-c is 0x03, Ctrl-[ is ESC). */
  function control(c) {
    const code = c.charCodeAt(0);
    if (code >= 0x61 && code <= 0x7a) return String.fromCharCode(code - 0x60); // a-z
    if (code >= 0x40 && code <= 0x5f) return String.fromCharCode(code - 0x40); // @ A-Z [ \ ] ^ _
    if (c === ' ') return '\x00';
    if (c === '/') return '\x1f';
    if (c === '?') return '\x7f';
    return c;
  }

  /** Soft-keyboard input while a modifier is held: the modifiers apply to it, then are let go. */
  function filter(data) {
    const out = withModifiers(data);
    release();
    return out;
  }

  function release() {
    held.ctrl = false;
    held.alt = false;
    showHeld();
  }

  // The input filter is set only while a modifier is held: otherwise typing goes straight through.
  function showHeld() {
    for (const name of ['ctrl', 'alt']) {
      buttons[name].setAttribute('aria-pressed', String(held[name]));
    }
    if (current) current.setInputFilter(held.ctrl || held.alt ? filter : null);
  }

  function update() {
    const shown = Boolean(touch.matches && current && !viewer);
    bar.hidden = !shown;
    document.body.classList.toggle('keybar-shown', shown);
  }

  // The soft keyboard covers the bottom of the layout viewport on some browsers: lift the bar
  // (and the terminal above it) by what the visual viewport lost.
  function followKeyboard() {
    const v = window.visualViewport;
    const covered = v ? Math.max(0, window.innerHeight - v.height - v.offsetTop) : 0;
    document.documentElement.style.setProperty('--keyboard-inset', `${Math.round(covered)}px`);
  }

  document.addEventListener('cloudterm:terminal', (event) => {
    current = event.detail;
    viewer = false;
    held.ctrl = false;
    held.alt = false;
    showHeld();
    update();
  });
  // TERMINAL_INFO names a read-only viewer (a view link): no keys to send.
  document.addEventListener('cloudterm:info', (event) => {
    viewer = event.detail.role === 'viewer';
    update();
  });
  document.addEventListener('cloudterm:closed', () => {
    current = null;
    update();
  });
  touch.addEventListener('change', update);
  if (window.visualViewport) {
    window.visualViewport.addEventListener('resize', followKeyboard);
    window.visualViewport.addEventListener('scroll', followKeyboard);
  }
})();
