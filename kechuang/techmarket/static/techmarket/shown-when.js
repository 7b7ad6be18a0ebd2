// Fields a form needs only for some choices: an input marked data-shown-when="kind=bank,fund"
// is shown (with its label) only while the form's field `kind` holds one of those values.
document.querySelectorAll("form").forEach((form) => {
  const dependants = form.querySelectorAll("[data-shown-when]");
  if (!dependants.length) return;
  const update = () => {
    dependants.forEach((input) => {
      const [name, values] = input.dataset.shownWhen.split("=");
      const chooser = form.elements[name];
      if (!chooser) return;
      const column = input.closest("[class*=col-]") || input;
      column.hidden = !values.split(",").includes(chooser.value);
    });
  };
  form.addEventListener("change", update);
  update();
});
