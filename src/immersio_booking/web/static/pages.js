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
  // Inside /embed.js's iframe: report our height, and hand Escape to the host page (a key
  // pressed in here never reaches the host's own listeners).
  var tell = function (message) { window.parent.postMessage(message, '*'); };
  var height = function () {
    tell({type: 'immersio:height', height: document.documentElement.scrollHeight});
  };
  if (window.ResizeObserver) new ResizeObserver(height).observe(document.body);
  window.addEventListener('load', height);
  height();
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') tell({type: 'immersio:escape'});
  });
})();
