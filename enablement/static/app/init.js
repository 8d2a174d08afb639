// Starts every GOV.UK Frontend component on the page (see js-enabled.js for why a file).
import { initAll } from "../govuk/govuk-frontend.min.js";
import "./reveal.js";

initAll();
