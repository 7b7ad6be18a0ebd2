// The move form shows the fields a stage needs (contract value and date, the reason it came
// to nothing) only when that stage is chosen.
document.querySelectorAll("[data-testid=move-form]").forEach((form) => {
  const stage = form.querySelector("select[name=to_status]");
  if (!stage) return;
  const show = () => {
    form.querySelectorAll("[data-stage]").forEach((input) => {
      const column = input.closest("[class*=col-]") || input;
      column.hidden = input.dataset.stage !== stage.value;
    });
  };
  stage.addEventListener("change", show);
  show();
});
