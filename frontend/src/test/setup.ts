import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";
import { initI18n } from "../lib/i18n";

// Generous waits: the machine is shared, and a slow run must not read as a failure.
configure({ asyncUtilTimeout: 10_000 });
await initI18n("en");
afterEach(() => cleanup());
