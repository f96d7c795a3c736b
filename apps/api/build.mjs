// Production bundle: apps/api and the workspace packages it imports (TypeScript sources) in
// one file; npm dependencies stay external and load from apps/api/node_modules as usual. So
// every npm package the bundle imports, through a workspace package or not, must be a
// dependency of apps/api itself: the build fails naming any that is not.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const { dependencies } = JSON.parse(readFileSync("package.json", "utf8"));
const packageName = (path) =>
  path
    .split("/")
    .slice(0, path.startsWith("@") ? 2 : 1)
    .join("/");

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/main.js",
  bundle: true,
  platform: "node",
  target: "node20.19",
  format: "esm",
  sourcemap: true,
  plugins: [
    {
      name: "external-npm-packages",
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith("@brisk/") || args.path.startsWith("node:")) return undefined;
          const name = packageName(args.path);
          if (!(name in dependencies)) {
            const text = `${name} (imported by ${args.importer}) is not a dependency of apps/api`;
            return { errors: [{ text }] };
          }
          return { path: args.path, external: true };
        });
      },
    },
  ],
  logLevel: "warning",
});
