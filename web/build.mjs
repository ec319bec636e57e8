// Builds the app into dist/: content-hashed assets (cached for a year) and an index.html that names them (never
// cached). No inline script or style, so the host's Content-Security-Policy can allow 'self' alone.
import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

const dist = "dist";
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
const result = await build({
  entryPoints: ["src/main.tsx", "src/app.css"],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "esm",
  target: ["es2022", "chrome110", "firefox115", "safari16"],
  outdir: path.join(dist, "assets"),
  entryNames: "[name]-[hash]",
  jsx: "automatic",
  jsxImportSource: "preact",
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});
// The service worker at a fixed address (/sw.js, not cached: a browser checks it for updates), scoped to the site.
const worker = await build({
  entryPoints: ["src/worker/sw.ts"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2022"],
  outfile: path.join(dist, "sw.js"),
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});
const outputs = [...Object.entries(result.metafile.outputs), ...Object.entries(worker.metafile.outputs)];
const js = outputs.find(([, o]) => o.entryPoint === "src/main.tsx")[0];
const css = outputs.find(([, o]) => o.entryPoint === "src/app.css")[0];
const asset = (file) => "/" + path.relative(dist, file).split(path.sep).join("/");
const html = (await readFile("src/index.html", "utf8")).replace("{{js}}", asset(js)).replace("{{css}}", asset(css));
await writeFile(path.join(dist, "index.html"), html);
for (const [file, output] of outputs) console.log(`web: ${asset(file)} ${(output.bytes / 1024).toFixed(1)} KiB`);
