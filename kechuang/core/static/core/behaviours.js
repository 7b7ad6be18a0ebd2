// Small page behaviours declared with data- attributes, so that no page needs inline script
// (the Content-Security-Policy allows scripts from this site only).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  if (form.hasAttribute("data-disable-on-submit")) {
    form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = true; });
  }
});

document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});

document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-history-back]");
  if (link) {
    event.preventDefault();
    window.history.back();
  }
});
