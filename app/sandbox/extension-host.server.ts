// The sandbox's stand-in for the Shopify admin's extension host: the order page renders the app's admin UI
// extensions (their bundles from `npm run build:extensions`) each in a frame of its own, as the admin does, with
// a small host for the s-* elements they use and the `shopify` global. Sandbox mode only; nothing of it is
// Shopify's code. The elements cover what the extensions use, drawn plainly; the real admin draws them in Polaris.
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/** The admin targets the stand-in order page hosts, and the bundle each is built into. */
export const HOSTED_TARGETS = [
  "admin.order-details.action.render",
  "admin.order-details.action.should-render",
  "admin.order-details.block.render",
  "admin.order-details.print-action.render",
  "admin.order-index.selection-action.render",
  "customer-account.order-status.block.render",
  "customer-account.order.action.menu-item.render",
  "customer-account.order.action.render",
  "customer-account.page.render",
] as const;
export type HostedTarget = (typeof HOSTED_TARGETS)[number];

export function isHostedTarget(value: string | null): value is HostedTarget {
  return value !== null && (HOSTED_TARGETS as readonly string[]).includes(value);
}

/** The built bundle of a target, or null when `npm run build:extensions` has not made it. */
export function extensionBundle(target: HostedTarget): string | null {
  const file = path.join(root, `extensions/${extensionOf(target)}/dist`, `${target}.js`);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
}

/** The extension a target belongs to: the admin's or the customer accounts'. */
function extensionOf(target: HostedTarget): "invoice-admin" | "invoice-account" {
  return target.startsWith("customer-account.") ? "invoice-account" : "invoice-admin";
}

export const ACCOUNT_LANGUAGES = ["en", "da", "sv", "pt", "de"] as const;

/** The customer-account extension's strings in the buyer's language (its locale file), for the host's i18n. */
export function accountLocale(language: string): Record<string, unknown> {
  const name = language === "en" || !(ACCOUNT_LANGUAGES as readonly string[]).includes(language) ? "en.default" : language;
  return JSON.parse(fs.readFileSync(path.join(root, "extensions/invoice-account/locales", `${name}.json`), "utf8")) as Record<string, unknown>;
}

/**
 * The host script of one extension frame: the `shopify` global for the target (the selected order, close(), a
 * translate that returns keys), fetch that sends relative requests to the app with an ID token (as the admin does
 * for an extension's fetch), and the s-* elements.
 */
export function extensionHostScript(): string {
  return `// Invoice Bridge sandbox: a stand-in host for admin UI extensions.
(function () {
  var params = new URLSearchParams(location.search);
  var shop = params.get("shop");
  var order = params.get("order");
  // The order list's selection (comma-separated ids), or the one order of an order page.
  var selected = (params.get("orders") || order || "").split(",").filter(Boolean).map(function (id) { return { id: "gid://shopify/Order/" + id }; });
  var target = params.get("target");
  var originalFetch = window.fetch.bind(window);
  async function idToken() {
    var answer = await originalFetch("/sandbox/session-token?shop=" + encodeURIComponent(shop));
    return (await answer.json()).token;
  }
  window.fetch = async function (input, init) {
    var url = typeof input === "string" ? input : input.url;
    if (!url.startsWith("/")) return originalFetch(input, init);
    var headers = new Headers((init && init.headers) || {});
    headers.set("Authorization", "Bearer " + (await idToken()));
    return originalFetch(url, Object.assign({}, init, { headers: headers }));
  };
  var customer = params.get("customer");
  var language = params.get("lang") || "en";
  function translate(key, options) {
    var value = key.split(".").reduce(function (node, part) { return node && node[part]; }, window.__IB_LOCALE__ || {});
    if (typeof value !== "string") return key;
    return value.replace(/\\{\\{(\\w+)\\}\\}/g, function (_m, k) { return String((options || {})[k] == null ? "" : options[k]); });
  }
  if (target.indexOf("customer-account.") === 0) {
    // Customer accounts: the buyer's session token (the extension sends it itself), the order, the buyer's language.
    window.shopify = {
      extension: { target: target, apiVersion: "2026-07" },
      sessionToken: { get: async function () { return (await (await originalFetch("/sandbox/customer-token?shop=" + encodeURIComponent(shop) + "&customer=" + encodeURIComponent(customer))).json()).token; } },
      order: { value: order ? { id: "gid://shopify/Order/" + order } : undefined, subscribe: function () { return function () {}; } },
      orderId: order ? "gid://shopify/Order/" + order : undefined,
      close: function () { parent.postMessage({ type: "ib-extension-close", target: target }, location.origin); },
      i18n: {
        translate: translate,
        formatCurrency: function (n, o) { return new Intl.NumberFormat(language, Object.assign({ style: "currency" }, o)).format(n); },
        formatNumber: function (n) { return new Intl.NumberFormat(language).format(n); },
        formatDate: function (d, o) { return new Intl.DateTimeFormat(language, o).format(d); },
      },
    };
    window.fetch = originalFetch;
    // A menu item's button opens the order action, as the customer account's action menu does.
    if (target === "customer-account.order.action.menu-item.render") {
      document.addEventListener("click", function (event) {
        if (event.target && event.target.closest && event.target.closest("s-button")) parent.postMessage({ type: "ib-open-order-action" }, location.origin);
      });
    }
  } else window.shopify = {
    extension: { target: target, apiVersion: "2026-07" },
    data: { selected: selected },
    close: function () { parent.postMessage({ type: "ib-extension-close", target: target }, location.origin); },
    i18n: { translate: function (key) { return key; }, locale: "en" },
    idToken: idToken,
  };

  function shadow(element, html) {
    var root = element.shadowRoot || element.attachShadow({ mode: "open" });
    root.innerHTML = "<style>" + BASE + "</style>" + html;
    return root;
  }
  function text(value) {
    return String(value == null ? "" : value).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  var BASE = ":host{display:block} *{box-sizing:border-box;font:inherit}";
  function define(name, observed, render, extra) {
    var Element = class extends HTMLElement {
      static get observedAttributes() { return observed; }
      connectedCallback() { render(this); }
      attributeChangedCallback() { if (this.isConnected) render(this); }
    };
    if (extra) extra(Element.prototype);
    customElements.define(name, Element);
  }
  define("s-admin-action", ["heading", "loading"], function (el) {
    shadow(el, "<style>h2{font-size:16px;font-weight:650;margin:0;padding:16px;border-bottom:1px solid #e3e3e3}.body{padding:16px;min-height:120px}" +
      "footer{display:flex;justify-content:flex-end;gap:8px;padding:12px 16px;border-top:1px solid #e3e3e3}</style>" +
      "<h2>" + text(el.getAttribute("heading")) + (el.hasAttribute("loading") ? " …" : "") + "</h2><div class=body><slot></slot></div>" +
      "<footer><slot name=secondary-actions></slot><slot name=primary-action></slot></footer>");
  });
  define("s-section", ["heading"], function (el) {
    shadow(el, "<style>section{background:#fff;border-radius:12px;box-shadow:0 0 0 1px #e3e3e3;padding:16px}h2{font-size:16px;font-weight:650;margin:0 0 12px}</style>" +
      "<section>" + (el.getAttribute("heading") ? "<h2>" + text(el.getAttribute("heading")) + "</h2>" : "") + "<slot></slot></section>");
  });
  define("s-page", ["heading", "subheading"], function (el) {
    shadow(el, "<style>h1{font-size:24px;font-weight:700;margin:0}p{color:#616161;margin:4px 0 16px}.body{display:block;margin-top:16px}</style>" +
      "<h1>" + text(el.getAttribute("heading")) + "</h1>" + (el.getAttribute("subheading") ? "<p>" + text(el.getAttribute("subheading")) + "</p>" : "") + "<div class=body><slot></slot></div>");
  });
  define("s-customer-account-action", ["heading"], function (el) {
    shadow(el, "<style>h2{font-size:18px;font-weight:650;margin:0;padding:16px;border-bottom:1px solid #e3e3e3}.body{padding:16px}" +
      "footer{display:flex;justify-content:flex-end;gap:8px;padding:12px 16px;border-top:1px solid #e3e3e3}</style>" +
      "<h2>" + text(el.getAttribute("heading")) + "</h2><div class=body><slot></slot></div><footer><slot name=secondary-actions></slot><slot name=primary-action></slot></footer>");
  });
  define("s-admin-block", ["heading"], function (el) {
    shadow(el, "<style>section{background:#fff;border-radius:12px;box-shadow:0 1px 0 #1a1a1a12,0 0 0 1px #e3e3e3;padding:16px}h2{font-size:14px;font-weight:650;margin:0 0 12px}</style>" +
      "<section><h2>" + text(el.getAttribute("heading")) + "</h2><slot></slot></section>");
  });
  var TONES = { critical: "#fee9e8;#8e1f0b", warning: "#fff1e3;#5e4200", success: "#cdfee1;#0c5132", info: "#eaf4ff;#00527c" };
  define("s-banner", ["heading", "tone"], function (el) {
    var tone = (TONES[el.getAttribute("tone")] || TONES.info).split(";");
    shadow(el, "<div role=status style='background:" + tone[0] + ";color:" + tone[1] + ";border-radius:8px;padding:10px 12px'>" +
      (el.getAttribute("heading") ? "<strong style='display:block;font-weight:650;margin-bottom:4px'>" + text(el.getAttribute("heading")) + "</strong>" : "") + "<slot></slot></div>");
  });
  define("s-button", ["disabled", "loading", "variant", "tone"], function (el) {
    var primary = el.getAttribute("variant") === "primary";
    var critical = el.getAttribute("tone") === "critical";
    var off = el.hasAttribute("disabled") || el.hasAttribute("loading");
    shadow(el, "<style>:host{display:inline-block}button{border:0;border-radius:8px;padding:6px 12px;cursor:pointer;font-weight:550;" +
      (primary ? (critical ? "background:#c70a24;color:#fff" : "background:#303030;color:#fff") : critical ? "background:#fff;color:#8e1f0b;box-shadow:0 0 0 1px #c9c9c9" : "background:#fff;color:#303030;box-shadow:0 0 0 1px #c9c9c9") +
      "}button:disabled{opacity:.5;cursor:default}</style>" +
      "<button " + (off ? "disabled" : "") + ">" + (el.hasAttribute("loading") ? "… " : "") + "<slot></slot></button>");
  });
  // A disabled button's clicks do not reach the extension, as in the admin.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("s-button");
    if (button && (button.hasAttribute("disabled") || button.hasAttribute("loading"))) event.stopImmediatePropagation();
  }, true);
  define("s-link", ["href", "target"], function (el) {
    shadow(el, "<style>:host{display:inline}a{color:#005bd3}</style><a href='" + text(el.getAttribute("href")) + "' target='" + text(el.getAttribute("target") || "_self") + "'><slot></slot></a>");
  });
  function field(name, control) {
    define(name, ["label", "details", "name", "disabled"], function (el) {
      var root = shadow(el, "<style>label{display:flex;flex-direction:column;gap:4px}input,select{padding:6px 8px;border:1px solid #8a8a8a;border-radius:8px;background:#fff}small{color:#616161}</style>" +
        "<label>" + text(el.getAttribute("label")) + control + "</label>" + (el.getAttribute("details") ? "<small>" + text(el.getAttribute("details")) + "</small>" : ""));
      var input = root.querySelector("input,select");
      if (input.tagName === "SELECT") {
        input.innerHTML = Array.from(el.querySelectorAll("s-option")).map(function (o) { return "<option value='" + text(o.value || o.getAttribute("value")) + "'>" + text(o.textContent) + "</option>"; }).join("");
      }
      input.value = el._value || "";
      input.disabled = el.hasAttribute("disabled");
      input.addEventListener("change", function () { el._value = input.value; el.dispatchEvent(new Event("change", { bubbles: true })); });
    }, function (proto) {
      Object.defineProperty(proto, "value", {
        get: function () { return this._value || ""; },
        set: function (v) { this._value = v; var c = this.shadowRoot && this.shadowRoot.querySelector("input,select"); if (c) c.value = v; },
      });
    });
  }
  field("s-date-field", "<input type=date>");
  field("s-select", "<select></select>");
  define("s-option", ["value"], function () {}, function (proto) {
    Object.defineProperty(proto, "value", { get: function () { return this._v || this.getAttribute("value") || ""; }, set: function (v) { this._v = v; } });
  });
  // The print action: its content, a preview of what src points at, and Print (the browser's print dialog).
  define("s-admin-print-action", ["src"], function (el) {
    var src = el.getAttribute("src");
    var root = shadow(el, "<style>.body{padding:16px}iframe{width:100%;height:420px;border:1px solid #e3e3e3;border-radius:8px;background:#f6f6f6}" +
      ".empty{display:flex;align-items:center;justify-content:center;height:120px;color:#616161;background:#f6f6f6;border-radius:8px}" +
      "footer{display:flex;justify-content:flex-end;gap:8px;padding:12px 16px;border-top:1px solid #e3e3e3}button{border:0;border-radius:8px;padding:6px 12px;font-weight:550;background:#303030;color:#fff;cursor:pointer}button:disabled{opacity:.5;cursor:default}</style>" +
      "<div class=body><slot></slot><p></p>" + (src ? "<iframe title='Print preview' name='print-preview' src='" + text(src) + "'></iframe>" : "<div class=empty>Nothing to print</div>") + "</div>" +
      "<footer><button id=print " + (src ? "" : "disabled") + ">Print</button></footer>");
    root.getElementById("print").addEventListener("click", function () {
      var frame = root.querySelector("iframe");
      if (frame) frame.contentWindow.print();
    });
  });
  // A choice list of radio buttons (one choice) over its s-choice children; values holds the chosen value.
  define("s-choice-list", ["label", "name"], function (el) {
    var choices = Array.from(el.querySelectorAll("s-choice"));
    var current = el._values || choices.filter(function (c) { return c.hasAttribute("selected") || c.selected; }).map(function (c) { return c.getAttribute("value"); });
    var root = shadow(el, "<style>fieldset{border:0;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}legend{font-weight:550;margin-bottom:4px}label{display:flex;gap:8px;align-items:center}</style>" +
      "<fieldset><legend>" + text(el.getAttribute("label")) + "</legend>" +
      choices.map(function (c) {
        var value = c.getAttribute("value");
        return "<label><input type=radio name=choice value='" + text(value) + "'" + (current.indexOf(value) >= 0 ? " checked" : "") + ">" + text(c.textContent) + "</label>";
      }).join("") + "</fieldset>");
    root.querySelectorAll("input").forEach(function (input) {
      input.addEventListener("change", function () { el._values = [input.value]; el.dispatchEvent(new Event("change", { bubbles: true })); });
    });
  }, function (proto) {
    Object.defineProperty(proto, "values", { get: function () { return this._values || []; }, set: function (v) { this._values = v; } });
  });
  define("s-choice", ["value", "selected"], function () {}, function (proto) {
    Object.defineProperty(proto, "selected", { get: function () { return this.hasAttribute("selected"); }, set: function (v) { if (v) this.setAttribute("selected", ""); else this.removeAttribute("selected"); } });
  });
  var css = document.createElement("style");
  css.textContent = "body{margin:0;font:14px system-ui,-apple-system,'Segoe UI',sans-serif;color:#303030;background:transparent}" +
    "s-stack{display:flex;flex-direction:column;gap:8px} s-stack[direction=inline]{flex-direction:row;flex-wrap:wrap;align-items:end;gap:12px}" +
    "s-stack[gap=small-200]{gap:4px} s-text{display:block} s-stack[direction=inline]>s-text{display:inline} s-text[type=strong]{font-weight:650} s-text[color=subdued]{color:#616161}" +
    "s-badge{display:inline-block;border-radius:8px;padding:0 8px;background:#e3e3e3;font-size:12px} s-badge[tone=success]{background:#affebf} s-badge[tone=info]{background:#e0f0ff}" +
    "s-badge[tone=critical]{background:#fedad9} s-badge[tone=auto]{background:#e0f0ff} s-option,s-choice{display:none}";
  document.head.appendChild(css);
})();
`;
}
