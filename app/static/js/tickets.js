/* Tickets form: Enter saves from any field but the notes; the payment box shows for paying procedures. */
(function () {
  "use strict";
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
