// The xterm.js addons the first screen does not need: the WebGL renderer, images (sixel, iTerm2),
// OSC 52 clipboard writes, and search. Together they weigh more than xterm.js itself, so they are
// fetched only once a terminal is open, from script, and each new terminal (after a reconnect)
// gets its own instances. When they are attached, 'cloudterm:addons' goes out on document with
// the terminal and its search addon, for the search box. History replayed on a reload waits for
// them (briefly: app.js bounds the wait), so that the images in it are drawn again.
(() => {
  'use strict';

  const SCRIPTS = ['vendor/addon-webgl.js', 'vendor/addon-image.js', 'vendor/addon-clipboard.js',
    'vendor/addon-search.js'];

  /** One promise for all four files, made on the first terminal: later terminals reuse it. */
  let loaded = null;
  /** Whether programs may read the clipboard: TERMINAL_INFO's clipboardRead, per terminal. */
  const clipboardReadable = new WeakMap();
  /** Per terminal, a promise that settles once its addons are attached, or failed to load. */
  const attached = new WeakMap();

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = false; // run in the listed order, like the page's own deferred scripts
      script.onload = resolve;
      script.onerror = () => reject(new Error(`${src} did not load`));
      document.head.appendChild(script);
    });
  }

  function loadAll() {
    if (!loaded) loaded = Promise.all(SCRIPTS.map(loadScript));
    return loaded;
  }

  document.addEventListener('cloudterm:terminal', (event) => {
    const { term, isCurrent } = event.detail;
    attached.set(term, loadAll().then(() => {
      if (!isCurrent()) return undefined; // replaced by a reconnect meanwhile
      useWebgl(term);
      const imagesReady = loadImages(term);
      loadClipboard(term);
      const search = new SearchAddon.SearchAddon({ highlightLimit: 1000 });
      term.loadAddon(search);
      document.body.dataset.addons = 'loaded';
      document.dispatchEvent(new CustomEvent('cloudterm:addons', { detail: { term, search, isCurrent } }));
      return imagesReady;
    }).catch((e) => {
      console.warn('CloudTerm: the addons did not load; the terminal works without them', e);
      document.body.dataset.addons = 'failed';
      document.body.dataset.renderer = 'dom';
    }));
  });

  document.addEventListener('cloudterm:info', (event) => {
    const term = window.cloudterm && window.cloudterm.term;
    if (!term) return;
    clipboardReadable.set(term, event.detail.clipboardRead === true);
    // An image is drawn only if the image addon is there when xterm.js parses it: the history
    // of a terminal the page reattaches to waits for the addons. After the first visit they come
    // from the browser's cache; on a reconnect they are attached before the connection opens.
    if (typeof event.detail.hold === 'function' && attached.has(term)) event.detail.hold(attached.get(term));
  });

  // ---- renderer ------------------------------------------------------------------------------

  // WebGL draws a full screen of output many times faster than the DOM renderer. Where WebGL2 is
  // missing (no GPU and no software fallback, or blocked by policy) loading throws; where the GPU
  // drops the context later (a driver reset, too many contexts), the addon is disposed and
  // xterm.js goes back to its DOM renderer by itself. The body's data-renderer says which one draws.
  function useWebgl(term) {
    let webgl;
    try {
      webgl = new WebglAddon.WebglAddon();
      term.loadAddon(webgl);
    } catch (e) {
      if (webgl) webgl.dispose();
      console.info(`CloudTerm: drawing with the DOM renderer, WebGL is not available (${e && e.message || e})`);
      document.body.dataset.renderer = 'dom';
      return;
    }
    document.body.dataset.renderer = 'webgl';
    webgl.onContextLoss(() => {
      console.info('CloudTerm: the WebGL context was lost; drawing with the DOM renderer');
      webgl.dispose();
      document.body.dataset.renderer = 'dom';
    });
  }

  // ---- images --------------------------------------------------------------------------------

  // The image addon readies its sixel decoder (WebAssembly) asynchronously once it is loaded, and
  // drops the sixel images it parses before that. The promise returned settles when the decoder
  // is ready, so that replayed history can wait for it too. The decoder is found by watching
  // WebAssembly.instantiate while the addon activates, not by reading the addon's private fields;
  // an addon that readies nothing that way is not waited for.
  function loadImages(term) {
    const wasm = typeof WebAssembly === 'object' ? WebAssembly : null;
    const instantiate = wasm && wasm.instantiate;
    const decoders = [];
    if (instantiate) {
      wasm.instantiate = function (...args) {
        const decoder = instantiate.apply(this, args);
        decoders.push(Promise.resolve(decoder).catch(() => undefined));
        return decoder;
      };
    }
    try {
      term.loadAddon(new ImageAddon.ImageAddon());
    } finally {
      if (instantiate) wasm.instantiate = instantiate;
    }
    // The addon takes its decoder a few promise steps after it is instantiated: a task later, it has.
    return Promise.all(decoders).then(() => new Promise((resolve) => {
      setTimeout(resolve, 0);
    }));
  }

  // ---- clipboard -----------------------------------------------------------------------------

  // OSC 52: a program (vim, tmux, an ssh session's shell) puts text on the clipboard. Writing is
  // always allowed; reading only where the server's operator allowed it (--clipboard-read),
  // because the clipboard may hold a password copied elsewhere. A refused read gets no answer at
  // all, as from a terminal without OSC 52: a program waiting for one times out. Requests in the
  // history replayed on a reload are not the program's today: an old copy would overwrite what
  // the person copied since, so they are ignored, reads and writes alike.
  function loadClipboard(term) {
    const provider = {
      readText: () => (navigator.clipboard && navigator.clipboard.readText
        ? navigator.clipboard.readText().catch(() => '') : ''),
      writeText: (selection, text) => {
        if (replaying()) return undefined;
        if (!navigator.clipboard || !navigator.clipboard.writeText) {
          console.warn('CloudTerm: a program copied text, but this page has no clipboard access (not https?)');
          return undefined;
        }
        return navigator.clipboard.writeText(text).catch((e) => {
          console.warn(`CloudTerm: a program's copy did not reach the clipboard: ${e.message}`);
        });
      },
    };
    term.loadAddon(new ClipboardAddon.ClipboardAddon(undefined, provider));
    // xterm.js asks the newest OSC handler first; one that returns true ends the question there.
    term.parser.registerOscHandler(52, (data) => isReadRequest(data) && (!clipboardReadable.get(term) || replaying()));
  }

  function replaying() {
    return Boolean(window.cloudterm && window.cloudterm.replaying);
  }

  /** "c;?" asks for the clipboard's content; "c;<base64>" sets it. */
  function isReadRequest(data) {
    const parts = data.split(';');
    return parts.length >= 2 && parts[1] === '?';
  }
})();
