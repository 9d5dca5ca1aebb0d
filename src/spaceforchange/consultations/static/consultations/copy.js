/* "Copy the link" beside a read-only link field. Without JavaScript the button stays hidden and the
   field's text can be selected and copied by hand. Loaded from a file: the CSP forbids inline scripts. */
(function () {
  "use strict";
  document.querySelectorAll("button[data-sfc-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-sfc-copy"));
    var status = document.getElementById(button.getAttribute("data-sfc-copy-status"));
    if (!field || !status) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var done = function () { status.textContent = button.getAttribute("data-sfc-copied"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {});
      } else if (document.execCommand && document.execCommand("copy")) {
        done();
      }
    });
  });
})();
