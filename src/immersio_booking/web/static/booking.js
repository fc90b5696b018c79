// The booking form: sends the chosen session and answers to POST /v2/bookings as JSON, then
// goes on to payment or to the confirmation page.
(function () {
  'use strict';
  var form = document.getElementById('book-form');
  if (!form) return;
  var text = JSON.parse(document.getElementById('page-text').textContent);
  var error = document.getElementById('book-error');
  var button = document.getElementById('book-button');
  var data = form.dataset;
  // Workshops that verify the booker's email: the code the first attempt had emailed.
  var CODE = 'emailVerificationCode';

  function value(name) {
    var fields = form.querySelectorAll('[name="' + name + '"]');
    var first = fields[0];
    var kind = first.getAttribute('data-kind');
    if (first.type === 'checkbox' && !first.hasAttribute('value')) return first.checked;
    if (first.type === 'checkbox') {
      return Array.prototype.filter.call(fields, function (f) { return f.checked; })
        .map(function (f) { return f.value; });
    }
    if (first.type === 'radio') {
      var on = form.querySelector('[name="' + name + '"]:checked');
      return on ? on.value : '';
    }
    if (first.multiple) {
      return Array.prototype.map.call(first.selectedOptions, function (o) { return o.value; });
    }
    if (kind === 'number') return first.value === '' ? '' : Number(first.value);
    if (kind === 'multiemail') {
      return first.value.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
    }
    return first.value.trim();
  }

  function show(message) {
    error.textContent = message;
    error.hidden = false;
    button.disabled = false;
    error.focus && error.scrollIntoView({block: 'center'});
  }

  function body() {
    var answers = {};
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === 'start' || el.name === CODE || seen[el.name]) return;
      seen[el.name] = true;
      var v = value(el.name);
      if (v === '' || (Array.isArray(v) && !v.length)) return;
      answers[el.name] = v;
    });
    var payload = {
      eventTypeId: Number(data.eventTypeId),
      start: value('start'),
      attendee: {name: answers.name, email: answers.email, timeZone: data.zone, language: data.lang}
    };
    if (answers.guests) payload.guests = answers.guests;
    if (data.invitation) payload.invitationToken = data.invitation;
    var code = form.elements[CODE];
    if (code && code.value.trim()) payload.emailVerificationCode = code.value.trim();
    delete answers.name; delete answers.email; delete answers.guests;
    if (Object.keys(answers).length) payload.bookingFieldsResponses = answers;
    if (data.embedded) {
      var meta = {registration_source: 'immersio', booking_context: {referrer: data.referrer || null}};
      if (data.studentId) meta.immersio_student_id = data.studentId;
      payload.metadata = meta;
    }
    return payload;
  }

  function done(booking) {
    // Only the host page /embed.js announced hears of the booking (the browser drops the
    // message if another page frames us); without an announced origin, no one does.
    if (window.parent !== window && data.embedder) {
      window.parent.postMessage({type: 'booking:success', uid: booking.uid, status: booking.status}, data.embedder);
    }
    if (booking.payment && booking.payment.paymentUrl) {
      location.assign(new URL(booking.payment.paymentUrl).pathname);
      return;
    }
    var token = booking.manageUrl ? new URL(booking.manageUrl).searchParams.get('token') : data.token;
    location.assign('/booking/' + encodeURIComponent(booking.uid) + '?token=' + encodeURIComponent(token || ''));
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!form.reportValidity()) return;
    error.hidden = true;
    button.disabled = true;
    var url = '/v2/bookings';
    var headers = {'Content-Type': 'application/json', 'cal-api-version': '2024-08-13'};
    var payload;
    if (data.reschedule) {
      url += '/' + encodeURIComponent(data.reschedule) + '/reschedule';
      headers['X-Manage-Token'] = data.token;
      payload = {start: value('start')};
    } else {
      payload = body();
    }
    fetch(url, {method: 'POST', headers: headers, body: JSON.stringify(payload)})
      .then(function (response) { return response.json(); })
      .then(function (reply) {
        if (reply.status === 'success') {
          done(Array.isArray(reply.data) ? reply.data[0] : reply.data);
          return;
        }
        var details = (reply.error && reply.error.details) || {};
        var known = text[details.reason];
        if (details.field === CODE && form.elements[CODE]) {
          if (details.reason !== 'email_verification_required') form.elements[CODE].value = '';
          form.elements[CODE].focus();
        }
        show(known ? known.replace('{email}', payload.attendee ? payload.attendee.email : '')
                   : text.generic + ' ' + ((reply.error && reply.error.message) || ''));
      })
      .catch(function () { show(text.generic); });
  });
})();
