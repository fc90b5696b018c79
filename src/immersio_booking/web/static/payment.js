// The payment page: Stripe's Payment Element, then watch the payment until our server has
// heard from Stripe that it succeeded (the server asks Stripe; the page never decides).
(function () {
  'use strict';
  var form = document.getElementById('payment-form');
  if (!form || !window.Stripe) return;
  var text = JSON.parse(document.getElementById('payment-text').textContent);
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
