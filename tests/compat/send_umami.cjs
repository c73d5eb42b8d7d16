// Drive the official @umami/node client: node send_umami.cjs <hostUrl> <websiteId>
const umami = require("@umami/node").default;

async function main() {
  const [hostUrl, websiteId] = process.argv.slice(2);
  umami.init({ websiteId, hostUrl });
  const replies = [
    await umami.track({ url: "/umami/home", hostname: "example.com", title: "Home" }),
    await umami.track({ url: "/umami/pricing", hostname: "example.com", referrer: "https://news.ycombinator.com/" }),
    await umami.track("signup", { plan: "pro", seats: 3 }),
    await umami.identify({ email: "u@example.com", plan: "pro" }),
  ];
  const bodies = [];
  for (const reply of replies) bodies.push({ status: reply.status, body: await reply.json() });
  console.log(JSON.stringify(bodies));
}

main();
