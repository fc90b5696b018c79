// The manage page's "Join" block: the server decides what it shows (its clock); this asks the
// server again when that should change (the button opens 10 minutes before the start, closes
// at the end) and swaps the block in, without reloading the page.
(function () {
  'use strict';
  var RETRY_MS = 30000; // a visitor's clock may run ahead of the server's
  var MAX_TIMER_MS = 2147483647; // setTimeout's limit (about 24 days)

  function nextChange(box) {
    var state = box.getAttribute('data-state');
    if (state === 'waiting') return Date.now() + 60000;
    var at = state === 'soon' ? box.getAttribute('data-opens-at')
      : state === 'open' ? box.getAttribute('data-ends-at') : null;
    return at ? Date.parse(at) : NaN;
  }

  function watch(box) {
    var at = nextChange(box);
    if (isNaN(at)) return;
    var wait = Math.max(at - Date.now(), 0) + 500;
    if (wait > MAX_TIMER_MS) return;
    window.setTimeout(function () { refresh(box); }, wait);
  }

  function refresh(box) {
    fetch(location.href, {credentials: 'same-origin', headers: {Accept: 'text/html'}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        var fresh = html && new DOMParser().parseFromString(html, 'text/html').getElementById('join');
        if (!fresh) {
          // The manage link stops working when the session ends: the button goes with it.
          if (Date.now() >= Date.parse(box.getAttribute('data-ends-at'))) box.hidden = true;
          return;
        }
        var same = fresh.getAttribute('data-state') === box.getAttribute('data-state');
        box.replaceWith(fresh);
        if (same) window.setTimeout(function () { refresh(fresh); }, RETRY_MS);
        else watch(fresh);
      })
      .catch(function () { window.setTimeout(function () { refresh(box); }, RETRY_MS); });
  }

  var box = document.getElementById('join');
  if (box) watch(box);
})();
