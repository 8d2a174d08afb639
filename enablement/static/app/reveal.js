// Shows the fields of the chosen radio only (GOV.UK "conditionally revealing a related
// question"), for radios marked data-app-reveal. Without JavaScript every option's fields
// stay on the page. GOV.UK Frontend's own reveal sets aria-expanded on the radio, which ARIA
// does not allow on a radio (axe: aria-allowed-attr); this one changes only what is shown.
const HIDDEN = "govuk-radios__conditional--hidden";

for (const group of document.querySelectorAll(".govuk-radios[data-app-reveal]")) {
  const inputs = [...group.querySelectorAll("input[type=radio][data-app-controls]")];
  const update = () => {
    for (const input of inputs) {
      const target = document.getElementById(input.dataset.appControls);
      if (target) target.classList.toggle(HIDDEN, !input.checked);
    }
  };
  for (const input of group.querySelectorAll("input[type=radio]")) {
    input.addEventListener("change", update);
  }
  update();
}
