// Weekly hours editor, as an enhancement: "Add a range" and "Copy" act in the page instead of
// sending the form (without this script the server does the same and shows the form again).
(function () {
  "use strict";
  var form = document.querySelector(".week-form");
  if (!form) { return; }
  function ranges(day) { return day.querySelectorAll(".range"); }
  function renumber(day) {
    var name = day.getAttribute("data-day").toLowerCase();
    ranges(day).forEach(function (row, index) {
      var inputs = row.querySelectorAll("input"), labels = row.querySelectorAll("label");
      ["start", "end"].forEach(function (part, i) {
        var id = name + "-" + index + "-" + part;
        inputs[i].name = inputs[i].id = id;
        labels[i].htmlFor = id;
      });
    });
  }
  function addRange(day, start, end) {
    var all = ranges(day);
    var row = all[all.length - 1].cloneNode(true);
    row.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
    var inputs = row.querySelectorAll("input");
    inputs[0].value = start || ""; inputs[1].value = end || "";
    inputs.forEach(function (i) { i.removeAttribute("aria-invalid"); i.removeAttribute("aria-describedby"); });
    day.querySelector(".ranges").appendChild(row);
    renumber(day);
    return row;
  }
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=action]");
    if (!button) { return; }
    var parts = button.value.split(":");
    if (parts.length !== 2) { return; }
    var day = form.querySelector('.day[data-day="' + parts[1] + '"]');
    if (!day) { return; }
    event.preventDefault();
    if (parts[0] === "add") {
      addRange(day).querySelector("input").focus();
      return;
    }
    var filled = [];
    ranges(day).forEach(function (row) {
      var inputs = row.querySelectorAll("input");
      if (inputs[0].value || inputs[1].value) { filled.push([inputs[0].value, inputs[1].value]); }
    });
    day.querySelectorAll(".copy input[type=checkbox]:checked").forEach(function (box) {
      var target = form.querySelector('.day[data-day="' + box.id.split("-").pop().replace(/^./, function (c) { return c.toUpperCase(); }) + '"]');
      if (!target) { return; }
      var rows = ranges(target);
      for (var i = rows.length - 1; i > 0; i--) { rows[i].remove(); }
      var first = ranges(target)[0].querySelectorAll("input");
      first[0].value = ""; first[1].value = "";
      filled.forEach(function (pair, index) {
        if (index === 0) { first[0].value = pair[0]; first[1].value = pair[1]; }
        else { addRange(target, pair[0], pair[1]); }
      });
      addRange(target);
      box.checked = false;
    });
    day.querySelector("details").open = false;
  });
})();
