// Footfall tracking script: the readable source of both builds.
//
//   script.js      core:  EXT=false  (must stay <= 1,024 bytes gzipped)
//   script.ext.js  core + opt-in extras:  EXT=true
//
// build.sh runs terser with `--define EXT=...`, so every `if (EXT)` block is dropped
// from the core. This file is not meant to run unbuilt (EXT is undefined here).
// Keep it ES5 (var, function): a syntax error in an old browser is the one failure a
// try/catch cannot hide.
//
// Wire format (PROTOCOLS.md 2.1, Plausible short keys), POSTed as JSON text:
//   {n: name, u: url, d: domain, r: referrer|null, w: innerWidth, v: 1,
//    h: 1 (hash mode), p: {props}, $: {amount, currency}, i: false, e: ms, sd: 0-100}
(function (w, d, nav, loc) {
  // The public API: footfall(name, {props, revenue, interactive, callback, u}).
  // Declared outside the try below, so that it exists even if start-up fails half way.
  function track(name, options) {
    options = options || {};
    var done = options.callback || function () {};
    try {
      if (ignored) return done({ ignored: true });
      var payload = base(name, options.u ? new URL(options.u, loc).href : loc.href);
      if (options.props) payload.p = options.props;
      if (options.revenue) payload.$ = options.revenue;
      if (options.interactive === false) payload.i = false;
      if (EXT && engage && name == 'pageview') engage(payload.u);
      send(payload, done);
    } catch (e) {
      done({ error: e });
    }
  }

  try {
    var script = d.currentScript;
    // `data-x` value: null when the attribute is absent, "" when present without value.
    var data = function (name) {
      return script.getAttribute('data-' + name);
    };
    var on = function (target, type, fn, capture) {
      target.addEventListener(type, fn, capture);
    };
    var api = data('api') || new URL(script.src).origin + '/api/event';
    var domain = data('domain') || loc.hostname;
    var hashMode = data('hash') != null;
    var lastPage;
    var engage; // EXT: called with the url of every pageview, to flush the previous one

    // Decided once per page load: a reason to send nothing at all.
    var ignored =
      (data('allow-localhost') == null &&
        (/^(localhost|127(\.\d+){3}|\[::1\])$/.test(loc.hostname) || loc.protocol == 'file:')) ||
      (data('allow-automation') == null && (nav.webdriver || w.Cypress || w._phantom)) ||
      (data('respect-dnt') != null && (nav.doNotTrack == '1' || nav.globalPrivacyControl));

    // The payload every event starts from.
    var base = function (name, url) {
      var payload = { n: name, u: url, d: domain, r: d.referrer || null, w: w.innerWidth, v: 1 };
      if (hashMode) payload.h = 1;
      return payload;
    };

    // POST the payload as text/plain JSON (a CORS "simple" request: no preflight).
    // keepalive lets the request outlive the page; without fetch, fall back to sendBeacon.
    // `done` always gets called exactly once: {status}, {error} or {ignored}.
    var send = function (payload, done) {
      var body = JSON.stringify(payload);
      try {
        fetch(api, {
          method: 'POST',
          keepalive: true,
          headers: { 'Content-Type': 'text/plain' },
          body: body
        }).then(
          function (response) {
            done({ status: response.status });
          },
          function (error) {
            done({ error: error });
          }
        );
      } catch (e) {
        // no fetch (or it threw): sendBeacon, or a TypeError caught by track()
        nav.sendBeacon(api, body);
        done({});
      }
    };

    // Automatic pageview. On SPA navigations (`navigation` true) skip same-page changes:
    // a query string change or replaceState with the same path is not a new page.
    var page = function (navigation) {
      var key = loc.pathname + (hashMode ? loc.hash : '');
      if (navigation && key == lastPage) return;
      lastPage = key;
      track('pageview');
    };

    if (EXT) {
      // ---- engagement: visible time and deepest scroll, per pageview (data-engagement) ----
      if (data('engagement') != null) {
        var engagedUrl, engagedMs, visibleSince, maxDepth, sentDepth;
        var clock = function () {
          var now = Date.now();
          if (visibleSince) engagedMs += now - visibleSince;
          visibleSince = d.visibilityState == 'visible' ? now : 0;
        };
        var measure = function () {
          var root = d.documentElement;
          var body = d.body || root;
          var height = Math.max(root.scrollHeight, root.offsetHeight, body.scrollHeight);
          var seen = (w.pageYOffset || root.scrollTop || 0) + w.innerHeight;
          maxDepth = Math.max(maxDepth, height ? Math.min(100, Math.round((seen / height) * 100)) : 0);
        };
        // Send when the page is left, hidden, or replaced by an SPA navigation: the first
        // time always, later only after deeper scrolling or 3 s more engagement.
        // `e` is the engaged time since the previous engagement event of this page.
        var flush = function () {
          clock();
          measure();
          if (engagedUrl && engagedMs > 0 && (maxDepth > sentDepth || engagedMs >= 3000)) {
            var payload = base('engagement', engagedUrl);
            payload.e = engagedMs;
            payload.sd = sentDepth = maxDepth;
            engagedMs = 0;
            send(payload, function () {});
          }
        };
        engage = function (url) {
          flush();
          engagedUrl = url;
          engagedMs = maxDepth = 0;
          sentDepth = -1;
          measure();
          clock();
        };
        var safeFlush = function () {
          try {
            flush();
          } catch (e) {}
        };
        on(d, 'visibilitychange', function () {
          d.visibilityState == 'hidden' ? safeFlush() : clock();
        });
        on(w, 'pagehide', safeFlush);
        on(w, 'scroll', function () {
          try {
            measure();
          } catch (e) {}
        });
      }

      // ---- tagged elements: class="footfall-event-name=Signup footfall-event-plan=pro" ----
      // "+" in a class value stands for a space.
      var TAG = /footfall-event-(.+?)=(\S*)/g;
      var tagged = function (el) {
        return el.closest && el.closest('[class*="footfall-event-name="]');
      };
      var trackTagged = function (el) {
        var props = {};
        var name;
        var match;
        var classes = el.getAttribute('class');
        while ((match = TAG.exec(classes))) {
          var value = match[2].replace(/\+/g, ' ');
          if (match[1] == 'name') name = value;
          else props[match[1]] = value;
        }
        track(name, { props: props });
      };

      // ---- outbound links (data-outbound) and file downloads (data-downloads[="pdf,zip"]) ----
      var outbound = data('outbound') != null;
      var downloads = data('downloads');
      var fileTypes =
        downloads != null &&
        (
          downloads ||
          'pdf,xlsx,docx,txt,rtf,csv,exe,key,pps,ppt,pptx,7z,pkg,rar,gz,zip,avi,mov,mp4,mpeg,wmv,midi,mp3,wav,wma,dmg'
        ).split(/[\s,]+/);

      // The event is sent with keepalive (or sendBeacon), so it survives the navigation
      // the click starts: no need to delay the click.
      var onClick = function (event) {
        try {
          if (event.type == 'auxclick' && event.button != 1) return; // middle click only
          var target = event.target;
          var el = tagged(target);
          if (el && el.tagName != 'FORM') return trackTagged(el); // forms: on submit
          var link = target.closest('a[href]');
          if (!link) return;
          var ext = /\.(\w+)$/.exec(link.pathname);
          if (fileTypes && ext && fileTypes.indexOf(ext[1].toLowerCase()) >= 0) {
            track('File Download', { props: { url: link.href.split(/[?#]/)[0] } });
          } else if (outbound && link.host != loc.host && /^http/.test(link.protocol)) {
            track('Outbound Link: Click', { props: { url: link.href } });
          }
        } catch (e) {}
      };
      on(d, 'click', onClick, true);
      on(d, 'auxclick', onClick, true);

      // ---- form submissions (data-forms): "Form: Submission" or data-footfall-event ----
      var forms = data('forms') != null;
      on(
        d,
        'submit',
        function (event) {
          try {
            var form = event.target;
            if (tagged(form) == form) return trackTagged(form);
            if (!forms) return;
            var props = { path: loc.pathname };
            var formName = form.getAttribute('name') || form.getAttribute('id');
            if (formName) props.form = formName;
            track(form.getAttribute('data-footfall-event') || 'Form: Submission', { props: props });
          } catch (e) {}
        },
        true
      );
    }

    // First pageview, once the page is really shown (not while prerendering).
    var started;
    var start = function () {
      try {
        if (started || d.prerendering || d.visibilityState == 'prerender') return;
        started = 1;
        if (data('manual') == null) page();
        // Calls made through the stub before the script loaded.
        for (var i = 0; i < queue.length; i++) track.apply(0, queue[i]);
        // ---- 404 pages (data-404): the document itself was served with status 404 ----
        if (EXT && data('404') != null) {
          var timing = w.performance.getEntriesByType('navigation')[0];
          if (timing.responseStatus == 404) track('404', { props: { path: loc.pathname } });
        }
      } catch (e) {}
    };

    var queue = (w.footfall && w.footfall.q) || [];
    w.footfall = track;

    if (data('manual') == null) {
      // Single-page apps: history changes and back/forward are navigations.
      var hist = w.history;
      var patch = function (method) {
        var original = hist[method];
        hist[method] = function () {
          var result = original.apply(this, arguments);
          page(1);
          return result;
        };
      };
      patch('pushState');
      patch('replaceState');
      on(w, 'popstate', function () {
        page(1);
      });
      if (hashMode)
        on(w, 'hashchange', function () {
          page(1);
        });
      // A page restored from the back/forward cache is viewed again.
      on(w, 'pageshow', function (event) {
        if (event.persisted) page();
      });
    }
    on(d, 'prerenderingchange', start);
    on(d, 'visibilitychange', start);
    start();
  } catch (e) {
    // Never break the host page: degrade to a footfall() that sends nothing but still
    // calls back (a page may wait for the callback before it submits a form).
    ignored = 1;
    w.footfall = track;
  }
})(window, document, navigator, location);
