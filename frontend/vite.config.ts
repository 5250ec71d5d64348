/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into the Django app's static files (desk/static/desk/), served under STATIC_URL; the Django
// view reads manifest.json for the hashed entry names (desk/views.py). `npm run dev` proxies the
// API to a local `manage.py runserver` (DJANGO_URL, default http://127.0.0.1:8000).
export default defineConfig({
  plugins: [react()],
  base: "/static/desk/",
  build: {
    outDir: "../desk/static/desk",
    emptyOutDir: true,
    manifest: "manifest.json",
    sourcemap: false,
    rollupOptions: { input: "src/main.tsx" },
  },
  server: {
    proxy: { "/api": process.env.DJANGO_URL ?? "http://127.0.0.1:8000" },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    testTimeout: 30_000,
  },
});
