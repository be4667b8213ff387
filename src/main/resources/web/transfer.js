// Files in and out of the terminal (see README "Files in and out"):
//  - upload: drop files on the page, or "Upload files…" in the menu; each goes with a PUT into the
//    terminal's current directory, with a progress bar; a taken name is replaced only if the person
//    says so.
//  - download: a program in the terminal (cloudterm-download FILE) prints CloudTerm's own escape,
//    OSC 7681 ; download ; <absolute path in hex> BEL; the page asks before saving anything, and the
//    browser saves the file with its own download progress.
// Nothing here types into the terminal. Files move for the terminal's owner and for someone given
// control of it (TERMINAL_INFO role "controller"), as the server decides; a viewer's page does not
// even ask. When the server says no (transfer off, or not in control), the menu item stays hidden
// and drops and escapes are ignored.
'use strict';

(() => {
  const OSC = 7681;
  const MAX_PENDING_OFFERS = 8;

  let current = null;     // { term, isCurrent, handle, enabled, uploadMax }
  let offers = [];        // paths offered by the program, waiting for the person
  let asking = false;     // a download prompt is on screen
  let dragDepth = 0;

  const menuItem = document.getElementById('upload-files');
  const picker = document.getElementById('upload-picker');

  // ---- the elements (made once, on first use) -----------------------------------------------

  let panel = null;
  function transferPanel() {
    if (panel) return panel;
    panel = document.createElement('section');
    panel.id = 'transfer-panel';
    panel.className = 'transfer-panel';
    panel.setAttribute('aria-label', 'File transfers');
    panel.hidden = true;
    const head = document.createElement('header');
    const title = document.createElement('span');
    title.textContent = 'Uploads';
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'transfer-close';
    close.title = 'Close';
    close.textContent = '\u00d7';
    close.addEventListener('click', () => {
      panel.hidden = true;
      list.replaceChildren();
      focusTerminal();
    });
    head.append(title, close);
    const list = document.createElement('ol');
    list.className = 'transfer-list';
    panel.append(head, list);
    document.body.append(panel);
    return panel;
  }

  let dropZone = null;
  function dropOverlay() {
    if (dropZone) return dropZone;
    dropZone = document.createElement('div');
    dropZone.id = 'transfer-drop';
    dropZone.className = 'transfer-drop';
    dropZone.hidden = true;
    const box = document.createElement('div');
    box.className = 'transfer-drop-box';
    dropZone.append(box);
    document.body.append(dropZone);
    return dropZone;
  }

  let promptBox = null;
  let prompting = Promise.resolve();
  /**
   * Shows a question with buttons; resolves with the chosen button's value (Escape: the last one).
   * One question at a time: an upload's "Replace?" and a program's offer wait for each other.
   */
  function ask(message, detail, choices) {
    const answer = prompting.then(() => show(message, detail, choices));
    prompting = answer.catch(() => {});
    return answer;
  }

  function show(message, detail, choices) {
    if (!promptBox) {
      promptBox = document.createElement('div');
      promptBox.id = 'transfer-prompt';
      promptBox.className = 'transfer-prompt';
      promptBox.setAttribute('role', 'alertdialog');
      promptBox.hidden = true;
      document.body.append(promptBox);
    }
    return new Promise((resolve) => {
      const text = document.createElement('p');
      text.className = 'transfer-prompt-text';
      text.textContent = message;
      const more = document.createElement('p');
      more.className = 'transfer-prompt-detail';
      more.textContent = detail || '';
      const buttons = document.createElement('p');
      buttons.className = 'transfer-prompt-buttons';
      const done = (value) => {
        promptBox.hidden = true;
        promptBox.replaceChildren();
        promptBox.removeEventListener('keydown', onKey);
        focusTerminal();
        resolve(value);
      };
      const onKey = (event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          done(choices[choices.length - 1].value);
        }
      };
      for (const choice of choices) {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = choice.label;
        button.dataset.choice = choice.value;
        button.addEventListener('click', () => done(choice.value));
        buttons.append(button);
      }
      promptBox.replaceChildren(text, more, buttons);
      promptBox.addEventListener('keydown', onKey);
      promptBox.hidden = false;
      buttons.firstChild.focus();
    });
  }

  function focusTerminal() {
    if (current && current.isCurrent()) current.term.focus();
  }

  // ---- which terminal, and may files move ----------------------------------------------------

  function filesUrl(handle) {
    return 'api/terminals/' + encodeURIComponent(handle) + '/files';
  }

  function setEnabled(enabled) {
    if (current) current.enabled = enabled;
    if (menuItem) menuItem.hidden = !enabled;
  }

  document.addEventListener('cloudterm:terminal', (event) => {
    const { term, isCurrent } = event.detail;
    current = { term, isCurrent, handle: null, enabled: false, uploadMax: 0 };
    setEnabled(false);
    const mine = current;
    // Always consumed, so that the escape never shows; acted on only when transfer is on.
    term.parser.registerOscHandler(OSC, (data) => {
      if (current === mine && mine.enabled && mine.isCurrent()) offered(data);
      return true;
    });
  });

  document.addEventListener('cloudterm:info', async (event) => {
    const info = event.detail;
    const mine = current;
    if (!mine || !info || typeof info.terminal !== 'string') return;
    mine.handle = info.terminal;
    if (info.role === 'viewer') {
      setEnabled(false);
      return;
    }
    // The server decides: it answers the terminal's owner and whoever controls it through a live
    // control link, and only when transfer is on.
    try {
      const response = await fetch(filesUrl(mine.handle), { credentials: 'same-origin', cache: 'no-store' });
      if (current !== mine) return;
      if (!response.ok) {
        setEnabled(false);
        return;
      }
      const answer = await response.json();
      mine.uploadMax = Number(answer.uploadMax) || 0;
      setEnabled(true);
    } catch {
      if (current === mine) setEnabled(false);
    }
  });

  document.addEventListener('cloudterm:closed', () => {
    current = null;
    offers = [];
    setEnabled(false);
  });

  // ---- upload ----------------------------------------------------------------------------------

  if (menuItem && picker) {
    menuItem.addEventListener('click', () => {
      const items = document.getElementById('menu-items');
      if (items) items.hidden = true;
      const button = document.getElementById('menu-button');
      if (button) button.setAttribute('aria-expanded', 'false');
      picker.value = '';
      picker.click();
    });
    picker.addEventListener('change', () => {
      uploadAll(Array.from(picker.files || []));
    });
  }

  function hasFiles(event) {
    return event.dataTransfer && Array.from(event.dataTransfer.types || []).includes('Files');
  }

  document.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth++;
    if (dragDepth === 1 && current && current.enabled) showDropZone(current);
  });

  /** The drop zone, naming the directory the files will land in (the terminal may have moved since). */
  async function showDropZone(target) {
    const zone = dropOverlay();
    const box = zone.firstChild;
    box.textContent = 'Drop to upload into the terminal\u2019s directory';
    zone.hidden = false;
    try {
      const response = await fetch(filesUrl(target.handle), { credentials: 'same-origin', cache: 'no-store' });
      const answer = response.ok ? await response.json() : {};
      if (typeof answer.directory === 'string' && !zone.hidden) box.textContent = `Drop to upload into ${answer.directory}`;
    } catch {
      // The general words stay.
    }
  }
  document.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault(); // or the browser opens the file in place of the terminal
    event.dataTransfer.dropEffect = current && current.enabled ? 'copy' : 'none';
  });
  document.addEventListener('dragleave', (event) => {
    if (!hasFiles(event)) return;
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0 && dropZone) dropZone.hidden = true;
  });
  document.addEventListener('drop', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth = 0;
    if (dropZone) dropZone.hidden = true;
    if (current && current.enabled) uploadAll(Array.from(event.dataTransfer.files || []));
  });

  async function uploadAll(files) {
    const target = current;
    if (!target || !target.enabled || !target.handle || files.length === 0) return;
    const box = transferPanel();
    box.hidden = false;
    for (const file of files) {
      if (current !== target) return;
      await uploadOne(target, file, row(box, file));
    }
  }

  function row(box, file) {
    const item = document.createElement('li');
    item.className = 'transfer-item';
    item.dataset.name = file.name;
    const name = document.createElement('span');
    name.className = 'transfer-name';
    name.textContent = file.name;
    const bar = document.createElement('progress');
    bar.max = Math.max(file.size, 1);
    bar.value = 0;
    const status = document.createElement('span');
    status.className = 'transfer-status';
    status.textContent = 'waiting';
    item.append(name, bar, status);
    box.querySelector('.transfer-list').append(item);
    return { item, bar, status };
  }

  function settle(view, state, text) {
    view.item.dataset.state = state;
    view.status.textContent = text;
  }

  async function uploadOne(target, file, view) {
    if (target.uploadMax && file.size > target.uploadMax) {
      settle(view, 'failed', `larger than this server's limit of ${humanSize(target.uploadMax)}`);
      return;
    }
    let overwrite = false;
    for (;;) {
      const answer = await put(target, file, overwrite, view);
      if (answer.status === 201) {
        view.bar.value = view.bar.max;
        settle(view, 'done', 'uploaded');
        return;
      }
      if (answer.status === 409 && !overwrite) {
        settle(view, 'asking', 'exists already');
        const choice = await ask(`Replace ${file.name}?`, 'A file of that name is in the terminal\u2019s directory.',
          [{ label: 'Replace', value: 'replace' }, { label: 'Skip', value: 'skip' }]);
        if (choice !== 'replace') {
          settle(view, 'skipped', 'skipped');
          return;
        }
        overwrite = true;
        continue;
      }
      settle(view, 'failed', answer.status ? `${answer.text || 'failed'} (${answer.status})` : 'the connection failed');
      return;
    }
  }

  // XMLHttpRequest, not fetch: only it reports an upload's progress.
  function put(target, file, overwrite, view) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', filesUrl(target.handle) + '/' + encodeURIComponent(file.name) + (overwrite ? '?overwrite=1' : ''));
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) view.bar.value = Math.min(event.loaded, view.bar.max);
      });
      xhr.addEventListener('load', () => resolve({ status: xhr.status, text: xhr.responseText }));
      xhr.addEventListener('error', () => resolve({ status: 0, text: '' }));
      xhr.addEventListener('abort', () => resolve({ status: 0, text: '' }));
      settle(view, 'sending', 'uploading');
      xhr.send(file);
    });
  }

  // ---- download --------------------------------------------------------------------------------

  function offered(data) {
    const parts = data.split(';');
    if (parts.length !== 2 || parts[0] !== 'download' || !/^(?:[0-9a-f]{2})+$/.test(parts[1])) return;
    const bytes = new Uint8Array(parts[1].length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(parts[1].substr(i * 2, 2), 16);
    const path = new TextDecoder('utf-8').decode(bytes);
    if (!path.startsWith('/')) return;
    // A program that prints many (or a hostile file shown by cat) gets a few prompts, never a flood.
    if (offers.length >= MAX_PENDING_OFFERS) return;
    offers.push(path);
    if (!asking) nextOffer();
  }

  async function nextOffer() {
    const target = current;
    const path = offers.shift();
    if (path === undefined || !target) {
      asking = false;
      return;
    }
    asking = true;
    const url = filesUrl(target.handle) + '?path=' + encodeURIComponent(path);
    const name = path.slice(path.lastIndexOf('/') + 1);
    let response = null;
    try {
      response = await fetch(url, { method: 'HEAD', credentials: 'same-origin', cache: 'no-store' });
    } catch {
      response = null;
    }
    if (current !== target) {
      asking = false;
      return;
    }
    if (!response || !response.ok) {
      const why = !response ? 'the server did not answer'
        : response.status === 404 ? 'no such file'
          : response.status === 400 ? 'not a regular file'
            : response.status === 403 ? 'file transfer is off' : `the server answered ${response.status}`;
      await ask(`Cannot download ${name}: ${why}.`, path, [{ label: 'OK', value: 'ok' }]);
    } else {
      const size = Number(response.headers.get('Content-Length'));
      const choice = await ask(`Save ${name} (${humanSize(size)}) from this terminal?`, path,
        [{ label: 'Save', value: 'save' }, { label: 'Dismiss', value: 'dismiss' }]);
      if (choice === 'save' && current === target) save(url, name);
    }
    nextOffer();
  }

  function save(url, name) {
    // Content-Disposition: attachment makes it a download: the page stays, the browser shows progress.
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  }

  function humanSize(bytes) {
    if (!Number.isFinite(bytes) || bytes < 0) return 'unknown size';
    if (bytes < 1000) return `${bytes} B`;
    const units = ['kB', 'MB', 'GB', 'TB'];
    let value = bytes;
    let unit = -1;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
  }
})();
