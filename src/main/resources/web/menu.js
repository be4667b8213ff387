// The terminal page's "⋯" menu by keyboard, as a menu button works elsewhere: Enter, Space or ↓
// opens it on its first item, ↑/↓ (and Home/End) move, Esc closes it, Tab leaves it. Opening and
// closing themselves stay app.js's (a click on the button); this adds only the keys and focus.
(() => {
  'use strict';

  const menu = document.getElementById('menu');
  const button = document.getElementById('menu-button');
  const items = document.getElementById('menu-items');
  if (!menu || !button || !items) return;

  // First in the tab order, before the terminal: xterm.js keeps Tab for the shell, so a menu
  // after it could never be reached with Tab. Its place on screen is fixed, so nothing moves.
  document.body.prepend(menu);
  items.setAttribute('role', 'menu');

  function entries() {
    return [...items.querySelectorAll('a, button')].filter((e) => !e.hidden && !e.disabled);
  }

  function open() {
    if (items.hidden) button.click();
  }

  function close() {
    if (!items.hidden) button.click();
    // app.js gives the focus back to an open terminal; otherwise it stays on the button.
    if (document.activeElement === document.body || items.contains(document.activeElement)) button.focus();
  }

  function focusEntry(index) {
    const all = entries();
    if (all.length === 0) return;
    for (const e of all) {
      e.setAttribute('role', 'menuitem');
      e.tabIndex = -1;
    }
    all[(index + all.length) % all.length].focus();
  }

  // A click made by Enter or Space has no pointer (detail 0): the keyboard goes on into the menu.
  // Heard on the way up, at the menu, so after the button's own listener (app.js's) has opened it.
  menu.addEventListener('click', (event) => {
    if (event.target === button && event.detail === 0 && !items.hidden) focusEntry(0);
  });

  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      open();
      focusEntry(event.key === 'ArrowDown' ? 0 : -1);
    }
  });

  items.addEventListener('keydown', (event) => {
    const all = entries();
    const at = all.indexOf(document.activeElement);
    switch (event.key) {
      case 'ArrowDown': focusEntry(at + 1); break;
      case 'ArrowUp': focusEntry(at - 1); break;
      case 'Home': focusEntry(0); break;
      case 'End': focusEntry(-1); break;
      case 'Escape': close(); break;
      case 'Tab': close(); return; // and the Tab goes on from the button
      default: return;
    }
    event.preventDefault();
    event.stopPropagation();
  });
})();
