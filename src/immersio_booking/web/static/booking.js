// The booking form: sends the chosen session and answers to POST /v2/bookings as JSON, then
// goes on to payment or to the confirmation page.
(function () {
  'use strict';
  // A zone the server could not read, typed straight into the address: show the times in the
  // browser's own zone (the server keeps saying what it refused), never in UTC.
  var zoneInput = document.getElementById('tz');
  var params = new URLSearchParams(location.search);
  if (zoneInput && zoneInput.dataset.refused && !params.has('previousTz') && window.Intl) {
    var own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (own) {
      params.set('previousTz', own);
      location.replace(location.pathname + '?' + params.toString());
      return;
    }
  }
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

  // Errors said next to their field, in the page's language: the browser's own checks first,
  // then what the API refused (its property names mapped back to the form's fields).
  var EMAIL = /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/;
  var marked = [];

  function fieldError(name, message) {
    var note = document.getElementById('e-' + name);
    var fields = form.querySelectorAll('[name="' + name + '"]');
    if (!note || !fields.length) return false;
    note.textContent = message;
    note.hidden = false;
    Array.prototype.forEach.call(fields, function (f) {
      f.setAttribute('aria-invalid', 'true');
      f.setAttribute('aria-describedby', note.id);
    });
    marked.push(name);
    return true;
  }

  function clearErrors() {
    marked.forEach(function (name) {
      document.getElementById('e-' + name).hidden = true;
      Array.prototype.forEach.call(form.querySelectorAll('[name="' + name + '"]'), function (f) {
        f.removeAttribute('aria-invalid');
      });
    });
    marked = [];
  }

  function problem(el) {
    var kind = el.getAttribute('data-kind');
    if (el.name === 'start') return el.validity.valueMissing ? text.choose_time : '';
    if (el.validity.valueMissing) return text.required;
    if (el.validity.typeMismatch && el.type === 'email') return text.email;
    if (el.validity.tooLong) return text.too_long;
    if (kind === 'multiemail' && el.value.trim()) {
      var bad = el.value.split(',').some(function (s) { return s.trim() && !EMAIL.test(s.trim()); });
      if (bad) return text.guests;
    }
    return el.validity.valid ? '' : text.invalid;
  }

  function checkFields() {
    var first = null;
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || seen[el.name] || el.disabled) return;
      var message = problem(el);
      if (message) {
        seen[el.name] = true;
        if (fieldError(el.name, message) && !first) first = el;
      }
    });
    if (first) first.focus();
    return !first;
  }

  function fieldOf(property) {
    var parts = String(property || '').split('.');
    if (parts[0] === 'attendee') return parts[1] === 'email' ? 'email' : 'name';
    if (parts[0] === 'bookingFieldsResponses') return parts[1];
    return parts[0];
  }

  function messageFor(name, type) {
    if (name === 'guests') return text.guests;
    if (type === 'missing') return text.required;
    if (type === 'string_too_long') return text.too_long;
    if (name === 'email') return text.email;
    return text.invalid;
  }

  // The API's validation errors on their fields; true when every one found its field.
  function apiFieldErrors(details) {
    var errors = details.errors || [];
    if (details.field && details.field !== CODE) {
      errors = [{property: details.field, constraints: {}}];
      if (details.reason === 'guests_not_allowed') return false;
    }
    if (!errors.length) return false;
    var placed = errors.filter(function (e) {
      var name = fieldOf(e.property);
      return fieldError(name, messageFor(name, Object.keys(e.constraints || {})[0]));
    });
    var first = marked.length && form.querySelector('[name="' + marked[0] + '"]');
    if (first) first.focus();
    return placed.length === errors.length;
  }

  var action = button.getAttribute('data-action');
  form.addEventListener('change', function (event) {
    if (event.target.name === 'start') button.textContent = action;
  });

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
    // The visitor's locale as the page read it (language, browser's region, chosen clock), so
    // the emails say the time the way this page did.
    var payload = {
      eventTypeId: Number(data.eventTypeId),
      start: value('start'),
      attendee: {name: answers.name, email: answers.email, timeZone: data.zone, language: data.locale || data.lang}
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
    // The next page (payment, then the confirmation) stays in this page's language, zone and
    // frame: embed mode and the host's origin go along (web/carried.py reads them).
    function onward(path, query) {
      query.set('tz', data.zone);
      query.set('lang', data.lang);
      if (data.embedded) query.set('embed', '1');
      if (data.embedded && data.embedder) query.set('origin', data.embedder);
      location.assign(path + '?' + query);
    }
    if (booking.payment && booking.payment.paymentUrl) {
      onward(new URL(booking.payment.paymentUrl).pathname, new URLSearchParams());
      return;
    }
    var token = booking.manageUrl ? new URL(booking.manageUrl).searchParams.get('token') : data.token;
    onward('/booking/' + encodeURIComponent(booking.uid), new URLSearchParams({token: token || ''}));
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearErrors();
    error.hidden = true;
    if (!checkFields()) return;
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
        if (apiFieldErrors(details) || details.reason === 'validation_failed') {
          show(text.check_fields);
          return;
        }
        var known = text[details.reason];
        // A refusal about the address itself is said next to the email field.
        if (details.reason === 'not_whitelisted' && fieldError('email', known.replace('{email}', payload.attendee.email))) {
          form.elements.email.focus();
          show(text.check_fields);
          return;
        }
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
