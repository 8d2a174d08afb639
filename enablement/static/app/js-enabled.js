// Loaded first thing in <body>, before anything is drawn, so components styled for JavaScript
// never flash in their no-JavaScript form. A file rather than an inline script: the
// Content-Security-Policy allows scripts from this site only.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
