// Drive the official plausible-tracker package in Node: node send_plausible.cjs <apiHost> <ua>
// It expects a browser, so a minimal window/location/document and an XMLHttpRequest over
// fetch stand in; the library's own code builds and sends every request.
const [apiHost, userAgent] = process.argv.slice(2);
const pending = [];
globalThis.location = { hostname: "example.com", protocol: "https:", href: "https://example.com/pt/home" };
globalThis.document = { referrer: "https://duckduckgo.com/" };
globalThis.window = { location: globalThis.location, localStorage: {}, innerWidth: 1280 };
globalThis.XMLHttpRequest = class {
  open(method, url) { this.method = method; this.url = url; this.headers = { "User-Agent": userAgent }; }
  setRequestHeader(name, value) { this.headers[name] = value; }
  send(body) {
    pending.push(fetch(this.url, { method: this.method, headers: this.headers, body })
      .then((r) => r.status));
  }
};
const Plausible = require("plausible-tracker").default;
const { trackPageview, trackEvent } = Plausible({ domain: "example.com", apiHost });
trackPageview();
trackPageview({ url: "https://example.com/pt/pricing" });
trackEvent("Signup", { props: { plan: "pro" } });
Promise.all(pending).then((statuses) => console.log(JSON.stringify(statuses)));
