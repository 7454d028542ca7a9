// Print the licence of a package and of every package in its production dependency tree,
// as installed in node_modules: the notice a bundle that contains their code must carry.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";

const root = process.argv[2];
const seen = new Map();

function packageDir(name, from) {
  // Look for node_modules/NAME from the dependent's folder upwards, as Node does; not
  // require.resolve, which a package's "exports" map may forbid for package.json.
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed`);
  }
}

function visit(name, from) {
  let dir;
  try {
    dir = packageDir(name, from);
  } catch {
    return; // an optional dependency not installed on this platform
  }
  if (seen.has(dir)) return;
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  seen.set(dir, manifest);
  for (const dep of Object.keys(manifest.dependencies || {})) visit(dep, dir);
}

// The MIT terms, for packages that declare MIT in package.json but ship no licence file
// (the YASGUI packages publish only their build): the licence still has to travel.
const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`;

function author(manifest) {
  const who = manifest.author;
  return typeof who === "string" ? who : (who && who.name) || "the package's authors";
}

visit(root, process.cwd());
const entries = [...seen.entries()].sort((a, b) => a[1].name.localeCompare(b[1].name));
for (const [dir, manifest] of entries) {
  const licence = typeof manifest.license === "string" ? manifest.license
    : (manifest.license && manifest.license.type) || "see text";
  console.log(`${"=".repeat(78)}\n${manifest.name} ${manifest.version} — ${licence}`);
  if (manifest.homepage) console.log(manifest.homepage);
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (file) {
    console.log("\n" + readFileSync(join(dir, file), "utf8").trim());
  } else if (licence === "MIT") {
    console.log(`\n(no licence file in the package; its package.json declares MIT)\n` +
      `Copyright (c) ${author(manifest)}\n\n${MIT}`);
  } else {
    console.log(`\n(no licence file in the package; its package.json declares ${licence})`);
  }
  console.log();
}
