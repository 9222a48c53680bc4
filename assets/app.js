// Start GOV.UK Frontend's components (error summary focus, character count, details...).
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();
