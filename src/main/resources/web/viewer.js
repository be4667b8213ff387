// The banner of a read-only client: "Read-only — shared by alice" over the terminal of someone
// else (or "Read-only" on a server where nobody types), and none of the page's ways to start or
// end terminals, which are not the viewer's. app.js itself sends no keys for a viewer; this file
// only shows it. It follows the terminal through app.js's events (see app.js, "announce").
(() => {
  'use strict';

  const banner = document.createElement('div');
  banner.id = 'viewer-banner';
  banner.className = 'viewer-banner';
  banner.setAttribute('role', 'status');
  banner.hidden = true;
  document.body.append(banner);

  /**
   * Menu entries that lead to starting or ending terminals: the viewer has none of their own here.
   * Another page script's entry of that kind marks itself with a data-owner-only attribute.
   */
  function terminalMenuItems() {
    return document.querySelectorAll('#menu-items a[href="terminals.html"], #menu-items [data-owner-only]');
  }

  document.addEventListener('cloudterm:info', (event) => {
    const info = event.detail || {};
    const viewer = info.role === 'viewer';
    banner.textContent = !viewer ? ''
      : typeof info.sharedBy === 'string' ? `Read-only — shared by ${info.sharedBy}` : 'Read-only';
    banner.hidden = !viewer;
    document.body.classList.toggle('viewer', viewer);
    const guest = viewer && typeof info.sharedBy === 'string';
    for (const item of terminalMenuItems()) item.hidden = guest;
  });
})();
