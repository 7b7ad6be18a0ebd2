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

// A drop-down too long to scroll (2,000 enterprises, a province's regions) gets a box above
// it that keeps only the options containing what is typed; the chosen option always stays.
const SEARCHABLE_OPTIONS = 30;

function makeSearchable(select) {
  const label = select.labels && select.labels.length ? select.labels[0].textContent.replace("*", "").trim() : "选项";
  const box = document.createElement("input");
  box.type = "search";
  box.className = "form-control form-control-sm mb-1";
  box.placeholder = `筛选${label}`;
  box.setAttribute("aria-label", `筛选${label}`);
  box.setAttribute("aria-controls", select.id);
  box.addEventListener("input", () => {
    const typed = box.value.trim();
    for (const option of select.options) {
      option.hidden = typed !== "" && !option.selected && option.value !== "" && !option.text.includes(typed);
    }
  });
  select.before(box);
}

document.querySelectorAll("form select:not([multiple])").forEach((select) => {
  if (select.options.length > SEARCHABLE_OPTIONS && !select.disabled) {
    makeSearchable(select);
  }
});

// A table wider or longer than its box scrolls inside it: the box takes the keyboard focus so
// that it can be scrolled without a mouse (WCAG 2.1.1).
function focusableScrollers() {
  document.querySelectorAll(".table-responsive").forEach((box) => {
    if (box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight) {
      box.setAttribute("tabindex", "0");
    } else {
      box.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", focusableScrollers);
document.addEventListener("htmx:afterSettle", focusableScrollers);
window.addEventListener("resize", focusableScrollers);
