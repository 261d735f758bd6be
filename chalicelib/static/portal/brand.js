// The page's brand (issue 32): the header's logo (or the brand's initial and name), the primary colour on
// buttons and links, and the title's suffix. The colour goes in as CSS custom properties set through the
// CSSOM, which the strict CSP allows (no inline style). A page takes its brand from what the API says of
// its account or link (a lookup, GET /accounts/{id}) or the deployment's default (GET /brand), never from
// its own address.

import { api } from "./session.js";
import { t } from "./i18n.js";

let name = null; // the brand's, once the page knows it
let base = document.title; // the page's own title, without the brand
let shown = null; // the brand the page shows: drawn again when the page changes language

// Without a BRAND_NAME the deployment's name is the product's generic label, no company's name: it speaks
// the page's language. Any other brand's name is a proper name, shown as it is.
const GENERIC_NAME = "Client portal";
const nameOf = (brand) => (brand.brand_id == null && brand.name === GENERIC_NAME ? t("Client portal") : brand.name);

document.addEventListener("portal:locale", () => { if (shown) applyBrand(shown); });

export function applyBrand(given) {
  if (!given) return;
  shown = given;
  const brand = { ...given, name: nameOf(given) };
  const root = document.documentElement.style;
  root.setProperty("--brand", brand.primary_color);
  root.setProperty("--brand-dark", darker(brand.primary_color));
  const link = document.getElementById("brand");
  if (brand.logo_url) {
    const logo = Object.assign(document.createElement("img"), { className: "brand-logo", src: brand.logo_url, alt: brand.name });
    link.replaceChildren(logo);
  } else {
    const mark = Object.assign(document.createElement("span"), { className: "brand-mark", textContent: initial(brand.name) });
    mark.setAttribute("aria-hidden", "true");
    link.replaceChildren(mark, brand.name);
  }
  link.hidden = false;
  name = brand.name;
  setTitle(base);
  document.body.dataset.brand = brand.brand_id || "default";
}

// Every page's title: its own, then its brand's name (once known; never another brand's meanwhile).
export function setTitle(title) {
  base = title;
  document.title = name ? `${title} · ${name}` : title;
}

// The sign-in pages and Choose account: the deployment's brand, since no account is chosen yet.
export async function useDefaultBrand() {
  const reply = await api("GET", "/brand");
  if (reply.status === 200) applyBrand(reply.body);
}

function initial(name) {
  return Array.from(name.trim())[0]?.toUpperCase() || "";
}

// The hover shade: a quarter darker, so it keeps (and betters) white text's contrast.
function darker(hex) {
  const value = parseInt(hex.slice(1), 16);
  const channel = (shift) => Math.round(((value >> shift) & 255) * 0.75);
  return `#${[16, 8, 0].map((shift) => channel(shift).toString(16).padStart(2, "0")).join("")}`;
}
