// The waitlist form of the booking page: sends the chosen full session, the name and the
// email to POST /v2/waitlist as JSON and says the place in line; without JavaScript the form
// posts to /waitlist/join instead.
(function () {
  'use strict';
  var form = document.getElementById('waitlist-form');
  if (!form) return;
  var text = JSON.parse(document.getElementById('waitlist-text').textContent);
  var error = document.getElementById('waitlist-error');
  var done = document.getElementById('waitlist-done');
  var button = document.getElementById('waitlist-button');
  var label = button.textContent;
  var data = form.dataset;

  function say(message) {
    error.textContent = message;
    error.hidden = false;
  }

  function check() {
    var start = form.querySelector('[name="start"]:checked');
    if (!start) return [form.querySelector('[name="start"]'), text.choose];
    var name = form.elements.name;
    var email = form.elements.email;
    if (!name.value.trim()) return [name, text.required];
    if (!email.value.trim()) return [email, text.required];
    if (!email.validity.valid) return [email, text.email];
    return null;
  }

  form.addEventListener('input', function () {
    error.hidden = true;
  });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    error.hidden = true;
    var problem = check();
    if (problem) {
      say(problem[1]);
      problem[0].focus();
      return;
    }
    var email = form.elements.email.value.trim();
    var body = {
      eventTypeId: Number(data.eventTypeId),
      start: form.querySelector('[name="start"]:checked').value,
      attendee: {
        name: form.elements.name.value.trim(),
        email: email,
        timeZone: data.zone,
        language: data.lang
      }
    };
    if (data.invitation) body.invitationToken = data.invitation;
    var code = form.elements.emailVerificationCode;
    if (code && code.value.trim()) body.emailVerificationCode = code.value.trim();
    button.disabled = true;
    button.textContent = text.working;
    fetch('/v2/waitlist', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (response.ok) {
          done.textContent = text.joined.replace('{num}', answer.data.position);
          done.hidden = false;
          form.hidden = true;
          document.getElementById('waitlist-hint').hidden = true;
          done.setAttribute('tabindex', '-1');
          done.focus();
          return;
        }
        var details = (answer.error && answer.error.details) || {};
        var known = text[details.reason];
        say(known ? known.replace('{email}', email) : text.generic + ' ' + (answer.error && answer.error.message || ''));
      });
    }).catch(function () {
      say(text.generic);
    }).then(function () {
      button.disabled = false;
      button.textContent = label;
    });
  });
})();
