import { act, renderHook } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeFetch } from "../../../test/render";
import { duplicateQuery, fetchDuplicates, useDebounced } from "./new-lead";

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("duplicate warnings while typing", () => {
  it("ask only once typing has paused (400 ms after the last key)", () => {
    vi.useFakeTimers();
    const { result, rerender } = renderHook(({ value }) => useDebounced(value), { initialProps: { value: "0321" } });
    rerender({ value: "0321 555" });
    act(() => vi.advanceTimersByTime(300));
    rerender({ value: "0321 5550123" });
    act(() => vi.advanceTimersByTime(399));
    expect(result.current).toBe("0321"); // every key restarted the wait
    act(() => vi.advanceTimersByTime(1));
    expect(result.current).toBe("0321 5550123");
  });

  it("ask about identity values only once they are long enough to be one", () => {
    expect(duplicateQuery({ contact_number: "0321 555" })).toBeNull();
    expect(duplicateQuery({ contact_number: "0321 5550123 " })).toEqual({ contact_number: "0321 5550123" });
    expect(duplicateQuery({ cnic: "35202-1234567" })).toBeNull();
    expect(duplicateQuery({ cnic: "35202-1234567-1", passport_number: "AB12" })).toEqual({ cnic: "35202-1234567-1" });
    expect(duplicateQuery({ passport_number: "AB1234567" })).toEqual({ passport_number: "AB1234567" });
  });

  it("a 429 (the shared search rate) is quiet: no warning, no error", async () => {
    const { fetchMock } = fakeFetch({ "/api/leads/duplicates/": { status: 429, body: { detail: "Request was throttled." } } });
    vi.stubGlobal("fetch", fetchMock);
    await expect(fetchDuplicates({ contact_number: "0321 5550123" })).resolves.toBeNull();
  });

  it("any other failure is still an error", async () => {
    const { fetchMock } = fakeFetch({ "/api/leads/duplicates/": { status: 400, body: { branch: ["Invalid pk."] } } });
    vi.stubGlobal("fetch", fetchMock);
    await expect(fetchDuplicates({ contact_number: "0321 5550123", branch: 99 })).rejects.toMatchObject({ status: 400 });
  });
});
