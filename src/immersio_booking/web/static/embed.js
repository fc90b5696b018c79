// <script src="https://HOST/embed.js" data-org="acme" data-event="ielts-speaking"
//   data-mode="inline|popup" data-lang="en|fr" data-student-id="..." data-email="..." data-name="..."></script>
// Shows the booking page in an iframe: inline where the script is, or in a popup dialog
// opened by a button (focus kept inside, Esc closes). The iframe reports its content's height
// (growing and shrinking) and each page it shows: from the second page on (a booking made, a
// month changed), the frame's top is brought into view. A `booking:success` message reaches
// the host page as a window message.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var d = script.dataset;
  var origin = new URL(script.src).origin;
  // `origin` announces this page as the one to tell about a booking (booking.js posts
  // `booking:success` to that origin only).
  var query = new URLSearchParams({embed: '1', origin: location.origin, referrer: location.href.slice(0, 255)});
  if (d.email) query.set('email', d.email);
  if (d.name) query.set('name', d.name);
  if (d.studentId) query.set('studentId', d.studentId);
  if (d.lang) query.set('lang', d.lang);
  if (window.Intl) query.set('tz', Intl.DateTimeFormat().resolvedOptions().timeZone);
  // The widget's own words, in the language asked for or the host page's.
  var french = /^fr\b/i.test(d.lang || document.documentElement.lang || '');
  var words = french ? {title: 'Réservation', close: 'Fermer', open: 'Réserver'}
                     : {title: 'Booking', close: 'Close', open: 'Book now'};
  var src = origin + '/' + encodeURIComponent(d.org) + '/' + encodeURIComponent(d.event) + '?' + query;

  function frame() {
    var iframe = document.createElement('iframe');
    iframe.src = src;
    iframe.title = d.title || words.title;
    iframe.setAttribute('data-immersio-embed', '');
    iframe.style.cssText = 'width:100%;border:0;min-height:480px;display:block';
    return iframe;
  }

  var iframe;
  var dialog = null;
  var opener = null;
  var pagesShown = 0;

  function close() {
    if (!dialog) return;
    dialog.remove();
    dialog = null;
    document.removeEventListener('keydown', onKey, true);
    if (opener) opener.focus();
  }

  function onKey(event) {
    if (event.key === 'Escape') { close(); return; }
    if (event.key !== 'Tab' || !dialog) return;
    // Focus trap: the close button and the iframe are the dialog's only stops.
    var stops = [dialog.querySelector('button'), iframe];
    var at = stops.indexOf(document.activeElement);
    var next = stops[(at + (event.shiftKey ? stops.length - 1 : 1)) % stops.length] || stops[0];
    event.preventDefault();
    next.focus();
  }

  function open() {
    dialog = document.createElement('div');
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    dialog.setAttribute('aria-label', d.title || words.title);
    dialog.style.cssText = 'position:fixed;inset:0;background:rgba(0,0,0,.55);z-index:2147483000;display:flex;align-items:flex-start;justify-content:center;overflow:auto;padding:24px';
    var box = document.createElement('div');
    box.style.cssText = 'background:#fff;width:min(760px,100%);border-radius:8px;position:relative';
    var shut = document.createElement('button');
    shut.type = 'button';
    shut.textContent = '×';
    shut.setAttribute('aria-label', words.close);
    shut.style.cssText = 'position:absolute;right:8px;top:8px;font-size:24px;border:0;background:#fff;cursor:pointer';
    shut.addEventListener('click', close);
    iframe = frame();
    pagesShown = 0;
    box.appendChild(shut);
    box.appendChild(iframe);
    dialog.appendChild(box);
    dialog.addEventListener('click', function (e) { if (e.target === dialog) close(); });
    document.body.appendChild(dialog);
    document.addEventListener('keydown', onKey, true);
    shut.focus();
  }

  function showTop() {
    // Only when the frame's top is out of sight: a student who scrolled to read stays put.
    var top = iframe.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight) iframe.scrollIntoView({block: 'start'});
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== origin || !iframe || event.source !== iframe.contentWindow) return;
    var m = event.data || {};
    if (m.type === 'immersio:height' && m.height) iframe.style.height = m.height + 'px';
    if (m.type === 'immersio:page' && ++pagesShown > 1) showTop();
    if (m.type === 'immersio:escape') close();
  });

  if (d.mode === 'popup') {
    opener = document.createElement('button');
    opener.type = 'button';
    opener.textContent = d.label || words.open;
    opener.setAttribute('data-immersio-open', '');
    opener.addEventListener('click', open);
    script.parentNode.insertBefore(opener, script.nextSibling);
  } else {
    iframe = frame();
    script.parentNode.insertBefore(iframe, script.nextSibling);
  }
})();
