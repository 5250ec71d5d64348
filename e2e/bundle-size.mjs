// The desk's initial JavaScript, gzipped, from Vite's build manifest (desk/static/desk/manifest.json):
// what a visit to My day must load before it shows anything, i.e. the entry, the My day route's chunk
// and every chunk either imports statically (dynamic imports, the other pages and Chart.js, excluded).
// Prints the figure and fails above the budget (issue 22: 200 KB gzipped). `make e2e` runs this.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET = 200 * 1024;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "desk", "static", "desk");
const manifest = JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8"));

export function initialChunks(start = ["src/main.tsx", "src/app/routes/my-day.tsx"]) {
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of manifest[key].imports ?? []) visit(imported);
  };
  start.forEach(visit);
  return [...seen].map((key) => manifest[key].file);
}

export function initialJsGzipped() {
  const files = initialChunks().map((file) => {
    const bytes = readFileSync(join(ROOT, file));
    return { file, bytes: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
  });
  return { files, gzipped: files.reduce((sum, file) => sum + file.gzipped, 0), raw: files.reduce((sum, file) => sum + file.bytes, 0) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, gzipped, raw } = initialJsGzipped();
  for (const file of files) console.log(`  ${file.file.padEnd(40)} ${(file.gzipped / 1024).toFixed(1).padStart(7)} KB gzipped`);
  console.log(`initial JS for My day: ${files.length} files, ${(raw / 1024).toFixed(1)} KB, ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`);
  if (gzipped > BUDGET) {
    console.error("initial JS over budget");
    process.exit(1);
  }
}
