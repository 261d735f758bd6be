// The portal's pages: this module picks the page the shell names; each page is rendered from the
// public JSON API and nothing else. One module per screen and a few shared ones, no build step.

import { session, linkToken } from "./session.js";
import { t } from "./i18n.js";
import { useDefaultBrand } from "./brand.js";
import { go } from "./dom.js";
import { renderLogin } from "./signin.js";
import { renderPasswordReset } from "./reset.js";
import { renderAccept } from "./accept.js";
import { renderJoin } from "./join.js";
import { renderApp, renderSessionNav, SCREENS } from "./frame.js";

const PAGES = { login: renderLogin, "password-reset": renderPasswordReset, accept: renderAccept, join: renderJoin };
for (const view of Object.keys(SCREENS)) PAGES[view] = renderApp;
if (document.body.dataset.page === "login" && session()?.token) {
  // already signed in in this tab: straight to the portal (sign out to use another login)
  go("./");
} else {
  const page = document.body.dataset.page;
  if (!SCREENS[page]) {
    renderSessionNav();
    // a link's own language, taken up once the page has read the link: the session bar says it too
    document.addEventListener("portal:locale", () => {
      renderSessionNav();
      document.querySelector(".skip-link").textContent = t("Skip to content");
      document.getElementById("session-nav").setAttribute("aria-label", t("Your session"));
    });
  }
  // the brand of a page without an account: the deployment's (the accept, join and reset-link pages take
  // theirs from their link's lookup, the signed-in ones from their account: frame.js)
  if (page === "login" || (page === "password-reset" && !linkToken)) useDefaultBrand();
  PAGES[page]();
}

// Another emailed link opened in this same tab changes only the fragment: start again from it. (Only a link's
// token: the skip link's "#main" is not one.)
window.addEventListener("hashchange", () => {
  if (new URLSearchParams(location.hash.slice(1)).has("token")) location.reload();
});

// The skip link passes the session bar and, inside the portal, its menu too: focus lands on the page itself.
document.querySelector(".skip-link")?.addEventListener("click", (event) => {
  event.preventDefault();
  const target = document.querySelector("#main .content") || document.getElementById("main");
  target.setAttribute("tabindex", "-1");
  target.focus();
});
