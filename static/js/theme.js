// Follow the reader's light or dark preference with Bootstrap's own dark
// theme (data-bs-theme). Loaded in <head>, before the page paints, so there
// is no flash of the light theme; a static file, as our CSP allows no inline
// script. Without JavaScript the light theme shows, which is complete.
(function () {
  var query = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() {
    document.documentElement.setAttribute("data-bs-theme", query.matches ? "dark" : "light");
  }
  apply();
  query.addEventListener("change", apply);
})();
