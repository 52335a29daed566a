import { defineConfig } from "vite";

// Built assets are compiled into the trtlens binary (src/server/CMakeLists.txt globs dist/ at configure time).
export default defineConfig({
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1000 },
  worker: { format: "es" },
});
