/* Tickets form: Enter saves from any field but the notes; the payment box shows for paying procedures. */
(function () {
  "use strict";
  // The form's token is in its URL (?form=…): Back after a save returns to this very form, whose token is
  // spent, instead of a fresh form that would save the same ticket twice.
  var rendered = document.querySelector("form[data-form-url]");
  if (rendered && window.history && window.history.replaceState) {
    window.history.replaceState(window.history.state, "", rendered.getAttribute("data-form-url"));
  }
  document.querySelectorAll("form[data-enter-submits]").forEach(function (form) {
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key !== "Enter" || event.shiftKey || target.tagName === "TEXTAREA" || target.tagName === "BUTTON") {
        return;
      }
      if (target.tagName === "SELECT" || target.tagName === "INPUT") {
        event.preventDefault();
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }
    });
    var payment = form.querySelector("fieldset.payment");
    var procedure = form.querySelector("#procedure_id");
    if (!payment || !procedure) { return; }
    var paying = (payment.getAttribute("data-paying-ids") || "").split(",");
    var assisted = payment.querySelector("#payment_assisted");
    function update() {
      var show = paying.indexOf(procedure.value) !== -1 || (assisted && assisted.checked);
      payment.hidden = !show;
    }
    procedure.addEventListener("change", update);
    update();
  });
})();
