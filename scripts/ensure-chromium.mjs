// Installs Debian's Chromium for the browser test when it is missing. CI runs
// as root on a fresh Debian machine with only the npm and Debian registries, so
// the browser comes from apt, never from a download script.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = "/usr/bin/chromium";

if (existsSync(CHROMIUM)) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(
    `${CHROMIUM} is missing: run \`apt-get update && apt-get install -y chromium\` as root`,
  );
  process.exit(1);
}
const quiet = { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } };
execFileSync("apt-get", ["update"], quiet);
// A font too: without recommends, nothing else guarantees the page renders readable text.
execFileSync(
  "apt-get",
  ["install", "-y", "--no-install-recommends", "chromium", "fonts-dejavu-core"],
  quiet,
);
if (!existsSync(CHROMIUM)) {
  console.error(`apt-get installed chromium, but ${CHROMIUM} is still missing`);
  process.exit(1);
}
