// Loaded by the base template as <script type="module">: no inline scripts anywhere, so a strict
// Content-Security-Policy (no 'unsafe-inline') keeps working. Browsers without ES modules skip this
// file and get the plain, fully working HTML.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

// GOV.UK Frontend only enhances components when these classes are on <body>; setting them here
// (rather than in an inline <script>) keeps the page CSP-clean.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
