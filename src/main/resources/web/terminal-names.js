// How a terminal is named to people, on the terminals page and on the terminal page alike: what
// runs in it and where ("vim in ~/src", from api/terminals), and how long ago something happened.
(() => {
  'use strict';

  /** The directory, with the user's home as ~ when it is under it (the path in full otherwise). */
  function place(t) {
    const dir = t.directory || '';
    const home = t.home || '';
    if (!dir || !home || home === '/') return dir;
    if (dir === home) return '~';
    return dir.startsWith(home + '/') ? '~' + dir.slice(home.length) : dir;
  }

  /** "vim in ~/src"; the title when the server cannot tell (a system without /proc). */
  function label(t) {
    const where = place(t);
    if (t.program) return where ? `${t.program} in ${where}` : t.program;
    return t.title || 'terminal';
  }

  /** "just now", "3 min ago", "2 h ago", "5 days ago": short enough for a narrow screen. */
  function ago(iso, now = Date.now()) {
    const then = Date.parse(iso);
    if (!iso || Number.isNaN(then)) return '';
    const seconds = Math.max(0, (now - then) / 1000);
    if (seconds < 45) return 'just now';
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return `${minutes} min ago`;
    const hours = Math.round(minutes / 60);
    if (hours < 24) return `${hours} h ago`;
    const days = Math.round(hours / 24);
    return `${days} day${days === 1 ? '' : 's'} ago`;
  }

  /** The first characters of a handle (after its host's name behind a gateway): enough to tell two apart. */
  function shortHandle(handle) {
    const bare = handle.includes('.') ? handle.slice(handle.lastIndexOf('.') + 1) : handle;
    return bare.slice(0, 6);
  }

  /** The user's detached terminals (nobody attached), the most recently left first. */
  function detached(terminals) {
    return terminals.filter((t) => t.clients === 0 && t.detachedSince)
      .sort((a, b) => Date.parse(b.detachedSince) - Date.parse(a.detachedSince));
  }

  window.CloudTermNames = Object.freeze({ place, label, ago, shortHandle, detached });
})();
