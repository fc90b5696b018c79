// Every public page: show times in the visitor's own zone, and size the embed's iframe.
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var marked = document.querySelector('[data-zone]');
  if (marked && !params.has('tz') && window.Intl) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && zone !== marked.getAttribute('data-zone')) {
      params.set('tz', zone);
      location.replace(location.pathname + '?' + params.toString() + location.hash);
      return;
    }
  }
  if (window.parent === window) return;
  // Inside /embed.js's iframe: report our content's height (shrinking too), tell the host that
  // a page was shown (so it can bring the frame's top into view), and hand Escape to the host
  // page (a key pressed in here never reaches the host's own listeners).
  var tell = function (message) { window.parent.postMessage(message, '*'); };
  var root = document.documentElement;
  // The root's scrollHeight is never less than the iframe's own height, so it cannot see a
  // shrink: the root's box (height auto) is the content's height, whatever the frame's.
  var last = 0;
  var height = function () {
    var now = Math.ceil(root.getBoundingClientRect().height);
    if (now === last) return;
    last = now;
    tell({type: 'immersio:height', height: now});
  };
  if (window.ResizeObserver) new ResizeObserver(height).observe(root);
  window.addEventListener('load', height);
  height();
  tell({type: 'immersio:page'});
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') tell({type: 'immersio:escape'});
  });
})();
