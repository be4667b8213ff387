// CloudTerm's terminal page: a client of the ttyd WebSocket protocol (shared/design/PROTOCOL.md),
// drawn by xterm.js. Plain script, no build step. Every URL is relative to the page, so the
// same files work under any base path; no inline script, so the server's CSP holds.
(() => {
  'use strict';

  // Protocol command bytes: server to client ...
  const OUTPUT = 0x30;           // '0' raw pty bytes
  const SET_WINDOW_TITLE = 0x31; // '1' UTF-8 title
  const SET_PREFERENCES = 0x32;  // '2' JSON object of xterm.js options
  const TERMINAL_INFO = 0x33;    // '3' CloudTerm's own: {"terminal": handle to reattach with, ...}
  const REPLAY_END = 0x34;       // '4' CloudTerm's own: the replayed history ends here, live output follows
  const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000]; // then every 15 s
  const MAX_RETRIES = 40;
  const UNREACHABLE = 'Cannot reach the server';
  const SERVER_STOPPED = 'The server stopped';
  // ... and client to server.
  const INPUT = 0x30;            // '0' bytes for the pty
  const RESIZE_TERMINAL = 0x31;  // '1' JSON {"columns":C,"rows":R}
  const PAUSE = 0x32;            // '2'
  const RESUME = 0x33;           // '3'

  // Flow control counts bytes handed to xterm.js whose write callback has not fired yet.
  // xterm.js parses a few MB/s to a few tens of MB/s, so 1 MiB is well under a second of
  // work: typing stays responsive during a flood. The low mark is not zero because the
  // RESUME needs a round trip before bytes flow again; 256 KiB keeps the parser busy
  // meanwhile. One PAUSE when crossing the high mark, one RESUME when crossing the low
  // mark, never more: the flag below is the hysteresis.
  const HIGH_WATER = 1024 * 1024;
  const LOW_WATER = 256 * 1024;

  // How long replayed history may wait for what feature scripts hold it for (see holdHistory).
  // What they wait for is usually in the browser's cache: a revalidation, one round trip and a
  // script compile, well under a second even on a phone. Past 2 s the blank terminal costs the
  // person more than what the wait would bring (the images in the history), so it is written
  // anyway. A hold that fails (a script that does not load) releases the history at once.
  const HISTORY_HOLD_MS = 2000;

  const FIT_DELAY_MS = 60;
  const COPY_DELAY_MS = 120;
  const CONNECTING_NOTICE_MS = 600;
  const PAGE_TITLE = 'CloudTerm';

  // Options the server's SET_PREFERENCES may not change: constructor-only ones, the
  // proposed-API switch the unicode11 addon needs, and the functions set below.
  const FIXED_OPTIONS = new Set(['allowProposedApi', 'cols', 'rows', 'linkHandler', 'logger']);

  const MONO_FONTS = 'ui-monospace, "SFMono-Regular", "Cascadia Mono", "JetBrains Mono", Menlo, Consolas, '
    + '"DejaVu Sans Mono", "Liberation Mono", monospace';

  const THEME = {
    background: '#16181d',
    foreground: '#d7dae0',
    cursor: '#d7dae0',
    cursorAccent: '#16181d',
    selectionBackground: '#3e4451',
    black: '#1e2127', red: '#e06c75', green: '#98c379', yellow: '#d19a66',
    blue: '#61afef', magenta: '#c678dd', cyan: '#56b6c2', white: '#abb2bf',
    brightBlack: '#5c6370', brightRed: '#f0828b', brightGreen: '#b5e08f', brightYellow: '#e5c07b',
    brightBlue: '#82c3ff', brightMagenta: '#dd9af0', brightCyan: '#7fd4df', brightWhite: '#ffffff',
  };

  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  const ui = {
    terminal: document.getElementById('terminal'),
    overlay: document.getElementById('overlay'),
    title: document.getElementById('overlay-title'),
    detail: document.getElementById('overlay-detail'),
    action: document.getElementById('overlay-action'),
    button: document.getElementById('overlay-button'),
    code: document.createElement('p'), // the close code and reason, under the words for people
  };
  ui.code.id = 'overlay-code';
  ui.detail.after(ui.code);

  /** 'connecting' | 'open' | 'closed' */
  let state = 'connecting';
  let lastClose = { code: null, reason: '' };
  /** The current connection and its terminal; replaced whole on every reconnect. */
  let session = null;
  /** Bumped by every (re)connect, so that late answers of an older attempt are dropped. */
  let attempt = 0;
  let retries = 0;
  let retryTimer = 0;
  /** The page's first terminal is yet to start: a feature script may offer a detached one instead. */
  let starting = true;
  rememberShareFromUrl();
  /** An access token taken from the address bar, to log in with once. */
  let pendingAccessToken = takeAccessTokenFromUrl();

  /** A failure the page explains to the person instead of showing a broken terminal. */
  class PageProblem extends Error {
    constructor(title, detail) {
      super(title);
      this.detail = detail;
    }
  }

  // The hook automated browser tests use. Nothing secret: no token, no cookie.
  window.cloudterm = Object.freeze({
    get term() { return session ? session.term : null; },
    get state() { return state; },
    get closeCode() { return lastClose.code; },
    get closeReason() { return lastClose.reason; },
    get paused() { return session ? session.paused : false; },
    get replaying() { return session ? session.replaying : false; },
  });

  // ---- access token in the URL -------------------------------------------------------------

  // The server prints http://host:port/<base>/#token=XYZ. The token leaves the address bar
  // (and the history entry) at once, before anything else can read or bookmark it; the
  // session cookie that the login answers with replaces it.
  function takeAccessTokenFromUrl() {
    return takeFromFragment('token');
  }

  /** Removes name=value from the address's fragment and returns the value (or null). */
  function takeFromFragment(name) {
    const hash = location.hash.replace(/^#/, '');
    if (!hash) return null;
    let value = null;
    const rest = [];
    for (const part of hash.split('&')) {
      if (part.startsWith(name + '=')) {
        try {
          value = decodeURIComponent(part.slice(name.length + 1));
        } catch {
          value = part.slice(name.length + 1);
        }
      } else if (part) {
        rest.push(part);
      }
    }
    if (value === null) return null;
    const clean = location.pathname + location.search + (rest.length ? '#' + rest.join('&') : '');
    history.replaceState(history.state, '', clean);
    return value;
  }

  // A share link (?t=<terminal>#share=<token>) lets someone into another person's terminal: a
  // view link by itself (unless made for signed-in users only), a control link once logged in.
  // The token leaves the address at once and stays in this tab's sessionStorage only, so a reload
  // still works; it reaches the server inside JSON_DATA, never in a URL.
  function rememberShareFromUrl() {
    const share = takeFromFragment('share');
    const terminal = new URL(location.href).searchParams.get('t');
    if (share && terminal) sessionStorage.setItem('cloudterm-share:' + terminal, share);
  }

  function shareFor(terminal) {
    return terminal ? sessionStorage.getItem('cloudterm-share:' + terminal) : null;
  }

  async function logIn(token) {
    const response = await request('login', {
      method: 'POST',
      body: new URLSearchParams({ token }), // application/x-www-form-urlencoded
    });
    if (response.ok) return;
    switch (response.status) {
      case 404: // this server does not use access tokens: go on, /token decides
        return;
      case 401:
        throw new PageProblem('The access token was not accepted',
          'It may be mistyped or from an earlier run of the server: open the URL the server printed most recently.');
      case 403:
        throw new PageProblem('The login was refused', await answerOf(response, 'login'));
      case 429: {
        const wait = Number(response.headers.get('Retry-After')) || 60;
        throw new PageProblem('Too many login attempts',
          `Try again in ${wait} s: open the URL the server printed again then.`);
      }
      default:
        throw new PageProblem('The login failed', await answerOf(response, 'login'));
    }
  }

  /** The AuthToken for JSON_DATA; null to visit, not logged in, with this tab's share link. */
  async function fetchTerminalToken() {
    const response = await request('token', { headers: { Accept: 'application/json' } });
    if (response.status === 401 && shareFor(terminalInUrl())) {
      return null; // the link may be enough by itself; the server says (4010) if it is not
    }
    if (response.status === 401) {
      // Accounts (--users): the server has a login form; go there and come back here after.
      await goToLoginForm();
      // Basic auth (ttyd's -c): the browser asked for a user and password itself; it gets
      // here only when that was cancelled.
      const basic = /^\s*basic/i.test(response.headers.get('WWW-Authenticate') || '');
      throw new PageProblem('This terminal needs a login', basic
        ? 'Reload the page and sign in when your browser asks for a user name and password.'
        : 'Open the URL the server printed when it started (it ends in #token=…), '
          + 'or ask whoever runs the server for that link.');
    }
    if (!response.ok) {
      throw new PageProblem('The terminal is not available', await answerOf(response, 'token'));
    }
    const body = await response.json().catch(() => null);
    return body && typeof body.token === 'string' ? body.token : '';
  }

  /** With accounts, goes to the login form, which comes back here; else returns. */
  async function goToLoginForm() {
    const form = await request('login', { method: 'GET' }).catch(() => null);
    if (form && form.ok) {
      location.assign('login?next=' + encodeURIComponent(location.pathname + location.search));
      throw new PageProblem('Logging in…', 'Taking you to the login page.');
    }
  }

  async function request(url, init) {
    try {
      return await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...init });
    } catch {
      throw new PageProblem(UNREACHABLE, 'It may have stopped, or the network is down.');
    }
  }

  /** "404 (Not Found) for token: <the server's plain-text reason>" */
  async function answerOf(response, what) {
    const status = `${response.status}${response.statusText ? ` (${response.statusText})` : ''}`;
    const reason = await reasonOf(response);
    return `The server answered ${status} for ${what}${reason ? `: ${reason}` : '.'}`;
  }

  async function reasonOf(response) {
    // Only a short plain-text reason is worth showing; an HTML error page is not.
    if (!/^text\/plain/i.test(response.headers.get('Content-Type') || '')) return '';
    const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim();
    return text.length > 160 ? text.slice(0, 160) + '…' : text;
  }

  // ---- connecting ----------------------------------------------------------------------------

  async function connect() {
    const mine = ++attempt;
    closeSession();
    setState('connecting');
    hideOverlay();
    try {
      if (typeof Terminal !== 'function' || !window.FitAddon || !window.WebLinksAddon || !window.Unicode11Addon) {
        throw new PageProblem('The terminal could not load', 'The xterm.js files under vendor/ did not load.');
      }
      if (pendingAccessToken !== null) {
        const token = pendingAccessToken;
        pendingAccessToken = null; // one try: a wrong token is not resent on Enter
        await logIn(token);
      }
      if (starting) {
        starting = false;
        const chosen = terminalInUrl() ? null : await terminalToStart();
        if (attempt !== mine) return;
        if (chosen) setTerminalInUrl(chosen);
      }
      setTimeout(() => {
        if (attempt === mine && state === 'connecting') showOverlay('Connecting…', '', false);
      }, CONNECTING_NOTICE_MS);
      const token = await fetchTerminalToken();
      if (attempt !== mine) return;
      openSession(token);
    } catch (e) {
      if (attempt !== mine) return;
      if (e instanceof PageProblem && e.message === UNREACHABLE && retries > 0 && retries < MAX_RETRIES
          && (terminalInUrl() || lastClose.code === 1001)) {
        // Still away (the network, or the server restarting): keep trying to get back to the terminal.
        const delay = scheduleRetry();
        if (lastClose.code === 1001) {
          fail(SERVER_STOPPED, `Waiting for it to start again; trying in ${Math.round(delay / 1000) || 1} s…`, 1001,
            lastClose.reason);
        } else {
          fail('Connection lost', `Cannot reach the server; trying again in ${Math.round(delay / 1000) || 1} s…`);
        }
      } else if (e instanceof PageProblem) {
        fail(e.message, e.detail);
      } else {
        console.error(e);
        fail('The terminal failed to start', String(e && e.message || e));
      }
    }
  }

  /**
   * Before the page starts its first new terminal, a feature script may offer one of the user's
   * detached terminals instead: on cloudterm:starting it calls hold(promise), the promise giving
   * the handle to attach to, or null for a new terminal. Without such a script, nothing waits.
   */
  async function terminalToStart() {
    const holds = [];
    announce('cloudterm:starting', { hold: (choice) => holds.push(Promise.resolve(choice).catch(() => null)) });
    const choices = await Promise.all(holds);
    return choices.find((choice) => typeof choice === 'string' && choice) || null;
  }

  function webSocketUrl() {
    // Same host and directory as the page, ws: or wss: by the page's scheme, and the
    // page's own query string, so that ?arg=… reaches the server.
    const url = new URL('ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = location.search;
    url.hash = '';
    return url.href;
  }

  function openSession(token) {
    const term = new Terminal({
      allowProposedApi: true, // term.unicode, which the unicode11 addon sets, is still "proposed"
      cursorBlink: true,
      fontFamily: MONO_FONTS,
      fontSize: 15,
      scrollback: 10000,
      theme: THEME,
      linkHandler: { activate: (event, uri) => openHyperlink(uri) }, // OSC 8 links
    });
    const fit = new FitAddon.FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new WebLinksAddon.WebLinksAddon((event, uri) => openLink(uri)));
    term.loadAddon(new Unicode11Addon.Unicode11Addon());
    term.unicode.activeVersion = '11';
    term.open(ui.terminal);

    // replaying: xterm.js was given history the server replayed on attaching and has not yet
    // parsed all of it; replayEnded: REPLAY_END has come, so all further OUTPUT is live.
    // readOnly: the server said this client only watches (TERMINAL_INFO role "viewer").
    // historyHold: what the history waits for before xterm.js parses it (see holdHistory);
    // held: the frames waiting meanwhile, in order, or null when nothing waits.
    const s = {
      term, fit, ws: null, pending: 0, paused: false, replaying: false, replayEnded: false,
      historyHold: null, held: null,
      title: PAGE_TITLE, copyTimer: 0, visiting: token === null, readOnly: false, sharedBy: null, filter: null,
    };
    session = s;
    matchPageToTheme(term);
    fitNow();
    announce('cloudterm:terminal', {
      term,
      /** Sends text as if typed (nothing goes out while history replays, or before the connection opens). */
      typeText: (text) => input(s, encoder.encode(text)),
      isCurrent: () => session === s,
      /** A function that rewrites what is typed before it is sent (sticky modifiers), or null for none. */
      setInputFilter: (filter) => {
        s.filter = typeof filter === 'function' ? filter : null;
      },
    });

    term.onData((data) => input(s, encoder.encode(s.filter ? s.filter(data) : data)));
    // onBinary carries bytes as a string of chars 0..255 (e.g. non-UTF-8 mouse reports).
    term.onBinary((data) => input(s, Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
    term.onResize(({ cols, rows }) => send(s, RESIZE_TERMINAL, encoder.encode(JSON.stringify({ columns: cols, rows }))));
    term.onTitleChange((title) => {
      document.title = title ? `${title} | ${s.title}` : s.title;
    });
    term.onSelectionChange(() => {
      clearTimeout(s.copyTimer);
      s.copyTimer = setTimeout(() => copySelection(s), COPY_DELAY_MS);
    });

    const ws = new WebSocket(webSocketUrl(), ['tty']);
    ws.binaryType = 'arraybuffer';
    s.ws = ws;
    let opened = false;
    ws.onopen = () => {
      if (session !== s) return;
      opened = true;
      fitNow(); // the window may have changed while connecting
      const hello = { AuthToken: token || '', columns: term.cols, rows: term.rows };
      const share = shareFor(new URL(location.href).searchParams.get('t'));
      if (share) hello.share = share;
      ws.send(encoder.encode(JSON.stringify(hello))); // JSON_DATA, as a binary frame
      setState('open');
      hideOverlay();
      term.focus();
    };
    ws.onmessage = (event) => {
      if (session === s) receive(s, event.data);
    };
    ws.onclose = (event) => {
      if (session === s) sessionClosed(s, event.code, event.reason, opened);
    };
  }

  function closeSession() {
    const s = session;
    session = null;
    if (!s) return;
    clearTimeout(s.copyTimer);
    if (s.ws && s.ws.readyState <= WebSocket.OPEN) s.ws.close(1000, 'reconnecting');
    s.term.dispose();
    ui.terminal.replaceChildren();
    announce('cloudterm:closed', {});
  }

  // The page's other scripts (each feature in a file of its own) follow the terminal through
  // these events on document: cloudterm:starting (see terminalToStart), cloudterm:terminal (a new
  // xterm.js terminal, before it connects), cloudterm:info (the server's TERMINAL_INFO for it, and
  // hold(promise) to have its history wait, see rememberTerminal),
  // cloudterm:disconnected (its connection closed, with the code), cloudterm:closed (it was disposed).
  function announce(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail }));
  }

  // ---- the protocol --------------------------------------------------------------------------

  function send(s, command, payload) {
    // Nothing typed while connecting or after a close goes anywhere.
    if (session !== s || state !== 'open' || s.ws.readyState !== WebSocket.OPEN) return;
    const message = new Uint8Array(1 + (payload ? payload.length : 0));
    message[0] = command;
    if (payload) message.set(payload, 1);
    s.ws.send(message);
  }

  /**
   * What xterm.js sends to the program: keys, pastes, and its own answers to queries it parsed.
   * While it parses the replayed history, those answers are to queries of programs that asked
   * long ago (a cursor position report, device attributes, colours): sent on, they would reach
   * today's shell as typed junk, or move a running vim's cursor. xterm.js cannot tell its answers
   * from keys, so while it parses history nothing goes out. That is usually milliseconds after
   * the page opens, before anyone types; keys pressed while a long history is still being parsed
   * (or waits to be, see holdHistory) are dropped, not sent late (holding them back would hold
   * back the answers too). Before the first byte of history, and on a new terminal (no history
   * at all), everything is a key. A viewer sends nothing (the server would ignore it anyway).
   */
  function input(s, bytes) {
    if (!s.replaying && !s.readOnly) send(s, INPUT, bytes);
  }

  function receive(s, data) {
    // The protocol's frames are binary; text frames with the same layout are read too.
    const bytes = typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data);
    if (bytes.length === 0) return;
    if (s.held) {
      hold(s, bytes);
      return;
    }
    const payload = bytes.subarray(1);
    switch (bytes[0]) {
      case OUTPUT:
        if (!s.replayEnded) {
          s.replaying = true; // history: xterm.js's answers to it are stale
          if (s.historyHold) {
            holdHistory(s, bytes);
            break;
          }
        }
        write(s, payload);
        break;
      case SET_WINDOW_TITLE:
        s.title = decoder.decode(payload) || PAGE_TITLE;
        document.title = s.title;
        break;
      case SET_PREFERENCES:
        applyPreferences(s, decoder.decode(payload));
        break;
      case TERMINAL_INFO:
        rememberTerminal(s, decoder.decode(payload));
        break;
      case REPLAY_END:
        s.replayEnded = true;
        s.historyHold = null; // what the history would have waited for: live output does not
        if (!s.replaying) break; // no history came: nothing to wait for
        // xterm.js parses asynchronously, in order: this callback runs once everything written
        // before it (the history) is parsed, and before anything written after it (live output),
        // whose queries are answered again.
        s.term.write('', () => {
          s.replaying = false;
        });
        break;
      default:
        break; // unknown commands are ignored, as ttyd's client does
    }
  }

  function write(s, payload) {
    if (payload.length === 0) return;
    const size = payload.length;
    s.pending += size;
    s.term.write(payload, () => {
      s.pending -= size;
      if (s.paused && s.pending < LOW_WATER) {
        s.paused = false;
        send(s, RESUME);
      }
    });
    pauseIfBehind(s);
  }

  function pauseIfBehind(s) {
    if (!s.paused && s.pending > HIGH_WATER) {
      s.paused = true;
      send(s, PAUSE);
    }
  }

  /**
   * The first OUTPUT of the history arrived while a feature script holds the history: it waits,
   * and every frame after it with it (REPLAY_END and live output too, so that the order stays),
   * until what was held for has settled or HISTORY_HOLD_MS have passed, whichever comes first.
   * Held output counts as pending, so that a long history PAUSEs the server as if xterm.js were
   * slow to parse it. Keys typed meanwhile are dropped, as while xterm.js parses history.
   */
  function holdHistory(s, first) {
    const until = s.historyHold;
    s.historyHold = null;
    s.held = [];
    hold(s, first);
    let timer = 0;
    const bound = new Promise((resolve) => {
      timer = setTimeout(resolve, HISTORY_HOLD_MS);
    });
    Promise.race([until, bound]).then(() => {
      clearTimeout(timer);
      const held = s.held;
      s.held = null;
      if (session !== s) return; // replaced by a reconnect: its terminal is gone
      for (const frame of held) {
        if (frame[0] === OUTPUT) s.pending -= frame.length - 1; // write counts it again
        receive(s, frame);
      }
    });
  }

  function hold(s, frame) {
    s.held.push(frame);
    if (frame[0] === OUTPUT) {
      s.pending += frame.length - 1;
      pauseIfBehind(s);
    }
  }

  function applyPreferences(s, text) {
    let preferences;
    try {
      preferences = JSON.parse(text);
    } catch {
      console.warn('CloudTerm: preferences are not JSON; ignored');
      return;
    }
    if (!preferences || typeof preferences !== 'object' || Array.isArray(preferences)) return;
    const options = s.term.options;
    for (const [key, value] of Object.entries(preferences)) {
      // Keys that are not xterm.js options (ttyd's own, or later ones of ours) are skipped.
      if (FIXED_OPTIONS.has(key) || !Object.prototype.hasOwnProperty.call(options, key)) continue;
      try {
        options[key] = key === 'theme' && value && typeof value === 'object' ? { ...options.theme, ...value } : value;
      } catch (e) {
        console.warn(`CloudTerm: preference ${key} ignored: ${e.message}`);
      }
    }
    matchPageToTheme(s.term);
    fitNow(); // a font or size preference changes how many cells fit
  }

  // The padding around the terminal shows the page's background: keep it the theme's.
  function matchPageToTheme(term) {
    const background = term.options.theme && term.options.theme.background;
    if (background) document.documentElement.style.setProperty('--background', background);
  }

  // ---- reattaching ---------------------------------------------------------------------------

  /**
   * The server names the terminal behind this connection; the page keeps the name in its address
   * (?t=…), so that a reload, a reconnect or a bookmark comes back to the same shell.
   */
  function rememberTerminal(s, text) {
    let info;
    try {
      info = JSON.parse(text);
    } catch {
      return;
    }
    if (!info || typeof info.terminal !== 'string') return;
    retries = 0;
    setTerminalInUrl(info.terminal);
    if (info.role === 'viewer') watchOnly(s, info);
    // A feature script that must be in place before xterm.js parses the history the server is
    // about to replay (the image addon, to draw the images in it) calls hold(promise) on
    // cloudterm:info. Only history waits: without any (a new terminal), nothing does.
    const holds = [];
    announce('cloudterm:info', {
      ...info,
      hold: (promise) => holds.push(Promise.resolve(promise).catch(() => undefined)),
    });
    if (holds.length > 0 && !s.replayEnded) s.historyHold = Promise.all(holds);
  }

  /** This client only watches: nothing typed goes out, and no cursor suggests otherwise. */
  function watchOnly(s, info) {
    s.readOnly = true;
    s.sharedBy = typeof info.sharedBy === 'string' ? info.sharedBy : null;
    const options = s.term.options;
    options.disableStdin = true;
    options.cursorBlink = false;
    options.cursorStyle = 'bar';
    options.cursorWidth = 1;
    options.cursorInactiveStyle = 'none';
    options.theme = { ...options.theme, cursor: 'transparent', cursorAccent: 'transparent' };
    s.term.blur();
  }

  function setTerminalInUrl(handle) {
    const url = new URL(location.href);
    if (handle) {
      url.searchParams.set('t', handle);
    } else {
      url.searchParams.delete('t');
    }
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }

  function terminalInUrl() {
    return new URL(location.href).searchParams.get('t');
  }

  /** After a dropped connection to a terminal that lives on: try again by itself, backing off. */
  function scheduleRetry() {
    const delay = RETRY_DELAYS_MS[Math.min(retries, RETRY_DELAYS_MS.length - 1)];
    retries++;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      if (state === 'closed') connect();
    }, delay);
    return delay;
  }

  // ---- closing -------------------------------------------------------------------------------

  // What each way of ending means to the person, and what they can do about it: one entry per
  // close code the server sends (PROTOCOL.md, "CloudTerm's close codes"); the overlay's button
  // says what Enter does. The code itself and the server's reason go on a smaller line below, for
  // whoever has to look into it.
  const MISUNDERSTOOD = ['The page and the server did not understand each other',
    'Reload the page: it may be older than the server. If that does not help, tell whoever runs the server.'];
  const ENDINGS = {
    1002: MISUNDERSTOOD,
    1007: MISUNDERSTOOD,
    1009: ['That was too much at once', 'The server takes at most 1 MiB in one go: paste less at a time.'],
    1011: ['The server ran into a problem', 'Try again; if it keeps happening, tell whoever runs the server.'],
    1013: ['The server is full', 'Too many people are connected right now. Wait a little, then try again.'],
    4000: MISUNDERSTOOD,
    4001: MISUNDERSTOOD,
    4002: MISUNDERSTOOD,
    4003: ['Your login was not accepted', 'Try again; if that fails, reload the page to log in again.'],
    4004: ['You are logged out', 'You logged out, your session expired, or your account changed. Reload the page to log in again.'],
    4005: ['This terminal does not exist or has ended', 'Open a new one.'],
    4006: ['You have too many terminals', 'End one you no longer need (menu ⋯, Your terminals), then try again.'],
    4007: ['This tab fell behind', 'Too much output waited for it; reconnecting catches it up.'],
    4008: ['The connection timed out', 'The server heard nothing from this page for too long.'],
    4009: ['Too many people are on this terminal', 'Wait until someone leaves, then try again.'],
    4010: ['This link is for signed-in users', 'Log in first, then open the link again.'],
    4500: ['The terminal could not start', 'The server could not start its program; its log says why. Tell whoever runs the server.'],
    4502: ['No machine could open the terminal', 'The machines that run terminals cannot be reached or are full. Try again in a little while.'],
    4503: ['The terminal\'s machine went away', 'The terminal ended with it.'],
  };

  function sessionClosed(s, code, reason, opened) {
    clearTimeout(s.copyTimer);
    s.term.options.disableStdin = true;
    s.term.options.cursorBlink = false;
    let title;
    let detail;
    let offerReconnect = true;
    const watching = s.sharedBy !== null; // someone else's terminal: nothing of one's own to go back to
    // 4007: this tab fell too far behind the terminal's other clients; reattaching catches it up.
    const lostButAlive = (code === 1006 || code === 1005 || code === 4007 || code === 4008) && opened
      && terminalInUrl() && retries < MAX_RETRIES;
    if (code === 1000 && /^(exit|signal) /.test(reason)) {
      title = 'The program ended';
      detail = watching ? `${s.sharedBy}'s shared terminal has closed; there is nothing more to watch.` : '';
      offerReconnect = !watching;
      setTerminalInUrl(null); // Enter starts a new one
    } else if (code === 4005 && watching) {
      title = 'The shared terminal has ended';
      detail = 'It ended, or its owner stopped sharing it. Ask them for a new link if you need one.';
      offerReconnect = false;
      setTerminalInUrl(null);
    } else if (code === 4005 || code === 4502 || code === 4503) {
      [title, detail] = ENDINGS[code];
      setTerminalInUrl(null);
    } else if (code === 4010) {
      [title, detail] = ENDINGS[code];
      offerReconnect = false;
      if (s.visiting) goToLoginForm().catch((e) => showOverlay(e.message, e.detail, false));
    } else if (lostButAlive) {
      // The terminal keeps running on the server: come back to it without being asked.
      const delay = scheduleRetry();
      title = 'Connection lost';
      detail = `Reconnecting to the same terminal in ${Math.round(delay / 1000) || 1} s…`;
    } else if (code === 1006 || code === 1005) { // no close frame: the browser's own codes
      title = opened ? 'Connection lost' : 'Could not connect';
      detail = opened
        ? 'The connection to the server dropped. Check your network, then reconnect.'
        : 'The server did not accept the terminal connection. Try again, or reload the page.';
    } else if (code === 1001) {
      // 1001 "going away": the server is shutting down and hangs up its terminals. Say so, and
      // keep trying quietly, so that a restart brings the page back, to a new terminal, without a
      // key pressed.
      title = SERVER_STOPPED;
      setTerminalInUrl(null);
      if (retries < MAX_RETRIES) {
        const delay = scheduleRetry();
        detail = `Its terminals ended with it. Waiting for it to start again; trying in ${Math.round(delay / 1000) || 1} s…`;
      } else {
        detail = 'Its terminals ended with it. Once it runs again, open a new one.';
      }
    } else if (ENDINGS[code]) {
      [title, detail] = ENDINGS[code];
    } else {
      title = 'The server closed the terminal';
      detail = 'Reconnect to see whether it is still there.';
    }
    fail(title, detail, code, reason || title, offerReconnect);
    // Feature scripts may explain or resolve a close (the terminal limit) with connect() to retry.
    announce('cloudterm:disconnected', { code, reason, connect: () => connect() });
  }

  /**
   * Shows why there is no terminal (any more) and, unless there is nothing to go back to, offers
   * Enter to try again; the close code and the server's reason, if any, on a smaller line.
   */
  function fail(title, detail, code = null, reason = title, offerReconnect = true) {
    lastClose = { code, reason };
    setState('closed');
    showOverlay(title, detail, offerReconnect);
    ui.code.textContent = code === null ? '' : `close code ${code}${reason && reason !== title ? `: ${reason}` : ''}`;
  }

  function setState(next) {
    state = next;
    document.body.dataset.state = next;
    document.body.classList.toggle('closed', next === 'closed');
  }

  function showOverlay(title, detail, offerReconnect) {
    ui.title.textContent = title;
    ui.detail.textContent = detail || '';
    ui.code.textContent = '';
    ui.action.hidden = !offerReconnect;
    // A closed connection whose terminal is gone (the address names none any more) opens a new one.
    ui.button.textContent = session && !terminalInUrl() ? 'Press Enter to open a new terminal'
      : session ? 'Press Enter to reconnect' : 'Press Enter to try again';
    ui.overlay.hidden = false;
    if (offerReconnect) ui.button.focus({ preventScroll: true });
  }

  function hideOverlay() {
    ui.overlay.hidden = true;
  }

  // Enter reconnects, wherever the focus is; capture phase so that xterm.js never sees it.
  window.addEventListener('keydown', (event) => {
    if (state !== 'closed' || ui.action.hidden || event.key !== 'Enter' || event.repeat || event.isComposing) return;
    // Enter on another button (a menu item, a feature's choice) is that button's.
    if (event.target instanceof HTMLButtonElement && event.target !== ui.button) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    event.stopPropagation();
    connect();
  }, true);

  ui.button.addEventListener('click', () => {
    if (state === 'closed' && !ui.action.hidden) connect();
  });

  // ---- the menu --------------------------------------------------------------------------------

  const menuButton = document.getElementById('menu-button');
  const menuItems = document.getElementById('menu-items');
  function showMenu(open) {
    menuItems.hidden = !open;
    menuButton.setAttribute('aria-expanded', String(open));
    if (!open && session && state === 'open') session.term.focus();
  }
  menuButton.addEventListener('click', () => showMenu(menuItems.hidden));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !menuItems.hidden) showMenu(false);
  });
  document.getElementById('logout').addEventListener('click', async () => {
    showMenu(false);
    const response = await request('logout', { method: 'POST' }).catch(() => null);
    // With accounts the answer leads to the login form; otherwise back to a page that asks again.
    location.assign(response && response.redirected ? response.url : './');
  });

  // Someone pastes a fresh #token=… link into this tab: log in with it.
  window.addEventListener('hashchange', () => {
    const token = takeAccessTokenFromUrl();
    if (token === null) return;
    pendingAccessToken = token;
    if (state !== 'open') connect();
  });

  // ---- size, links, clipboard ----------------------------------------------------------------

  function fitNow() {
    if (!session) return;
    try {
      session.fit.fit(); // fires onResize (and so RESIZE_TERMINAL) only when the cell count changes
    } catch (e) {
      console.warn('CloudTerm: fit failed', e);
    }
  }

  let fitTimer = 0;
  function fitSoon() {
    clearTimeout(fitTimer);
    fitTimer = setTimeout(fitNow, FIT_DELAY_MS);
  }
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(fitSoon).observe(ui.terminal);
  } else {
    window.addEventListener('resize', fitSoon);
  }

  // A page that goes away (a reload, another address, a closed tab) lets go of its terminal at
  // once. Left to the browser, the old connection can outlive the page by many seconds (the
  // server then still counts it: the terminal keeps its size, a reload's page shares it), until
  // a ping finds it gone. A page the browser keeps for Back (bfcache) connects again when shown.
  window.addEventListener('pagehide', () => {
    attempt++; // nothing of this page connects again unless it is shown again
    closeSession();
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) connect();
  });

  function openLink(uri) {
    let url;
    try {
      url = new URL(uri);
    } catch {
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
    window.open(url.href, '_blank', 'noopener,noreferrer');
  }

  // An OSC 8 hyperlink's visible text can differ from where it goes: show the target first.
  function openHyperlink(uri) {
    if (/^https?:/i.test(uri) && window.confirm(`Open this link in a new tab?\n\n${uri}`)) openLink(uri);
  }

  function copySelection(s) {
    if (session !== s || !s.term.hasSelection()) return;
    const text = s.term.getSelection();
    if (!text) return;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).catch(() => copyWithCommand());
    } else {
      copyWithCommand(); // plain http on a non-local host has no Clipboard API
    }
  }

  function copyWithCommand() {
    // xterm.js answers the copy event on its own element with the terminal selection.
    try {
      document.execCommand('copy');
    } catch {
      // the browser allows neither: the selection stays for the browser's own copy
    }
  }

  connect();
})();
