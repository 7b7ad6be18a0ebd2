// Tabs that load their panel with htmx: mark the clicked tab active.
document.addEventListener("click", (event) => {
  const tab = event.target.closest("[data-tab]");
  if (!tab) return;
  tab.closest(".nav").querySelectorAll("[data-tab]").forEach((other) => {
    other.classList.toggle("active", other === tab);
    other.setAttribute("aria-selected", other === tab ? "true" : "false");
  });
});
