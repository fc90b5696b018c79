// The payment page: the seat hold counting down, Stripe's Payment Element, then watch the
// payment until our server has heard from Stripe that it succeeded (the server asks Stripe;
// the page never decides).
(function () {
  'use strict';
  var text = JSON.parse(document.getElementById('payment-text').textContent);
  var form = document.getElementById('payment-form');

  // The hold: the server wrote when it ends; this shows the minutes left and, at zero, that
  // the seat is no longer kept (with the way back to choose a time).
  var hold = document.getElementById('hold');
  if (hold) {
    var ends = Date.parse(hold.getAttribute('data-ends-at'));
    var left = document.getElementById('hold-left');
    var tick = function () {
      var seconds = Math.max(0, Math.round((ends - Date.now()) / 1000));
      if (seconds === 0) {
        document.getElementById('pay-step').hidden = true;
        document.getElementById('hold-ended').hidden = false;
        return;
      }
      var minutes = Math.floor(seconds / 60), rest = seconds % 60;
      left.textContent = text.left.replace('{time}', minutes + ':' + (rest < 10 ? '0' : '') + rest);
      window.setTimeout(tick, 1000);
    };
    tick();
  }

  if (!form || !window.Stripe) return;
  var state = document.getElementById('payment-state');
  var error = document.getElementById('payment-error');
  var button = document.getElementById('pay-button');
  var stripe = window.Stripe(form.dataset.key);
  var elements = stripe.elements({clientSecret: form.dataset.secret});
  var element = elements.create('payment');
  element.mount('#payment-element');

  function watch() {
    fetch(form.dataset.statusUrl, {headers: {Accept: 'application/json'}})
      .then(function (r) { return r.json(); })
      .then(function (status) {
        if (status.paid) {
          state.textContent = text.paid;
          location.assign(form.dataset.doneUrl);
        } else {
          setTimeout(watch, 1500);
        }
      })
      .catch(function () { setTimeout(watch, 3000); });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    button.disabled = true;
    error.hidden = true;
    var paying = typeof stripe.confirmPayment === 'function'
      ? stripe.confirmPayment({elements: elements, redirect: 'if_required',
          confirmParams: {return_url: location.origin + form.dataset.doneUrl}})
      : stripe.confirmCardPayment(form.dataset.secret, {payment_method: {card: element}});
    paying.then(function (result) {
      if (result && result.error) {
        error.textContent = text.failed + ' ' + (result.error.message || '');
        error.hidden = false;
        button.disabled = false;
        return;
      }
      state.textContent = text.waiting;
    });
  });
  state.textContent = '';
  watch();
})();
