// The receipt's Print button (a file of its own: the Content-Security-Policy allows no inline script).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("receipt-print");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});
