// Before the browser tests: the app's production build, once for all of them (a few seconds).
import { execFileSync } from "node:child_process";
import path from "node:path";

export default function setup() {
  const root = path.resolve(import.meta.dirname, "../..");
  execFileSync(path.join(root, "node_modules/.bin/remix"), ["vite:build"], { cwd: root, stdio: "ignore" });
  // The admin UI extensions, which the stand-in order page hosts.
  execFileSync(path.join(root, "node_modules/.bin/tsx"), ["scripts/build-extensions.ts"], { cwd: root, stdio: "ignore" });
}
