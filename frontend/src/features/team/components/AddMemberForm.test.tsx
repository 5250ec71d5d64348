import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeFetch, renderWithProviders } from "../../../test/render";
import { AddMemberForm } from "./AddMemberForm";

afterEach(() => vi.unstubAllGlobals());

const member = { id: 9, username: "sana_a1", full_name: "Sana", email: "", role: "branch_user", available: true, daily_cap: null };

describe("adding a member", () => {
  it("asks for an invitation by default and shows the link once", async () => {
    const link = "http://testserver/desk/welcome#uid=OQ&token=abc-123";
    const { fetchMock, requests } = fakeFetch({
      "/api/leads/branches/1/members/": { status: 201, body: { ...member, invitation_url: link } },
    });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<AddMemberForm branch={1} canAddManagers={false} />);
    expect(screen.queryByRole("combobox", { name: "Role" })).toBeNull(); // managers add branch users only
    await userEvent.type(screen.getByRole("textbox", { name: "Username" }), "sana_a1");
    await userEvent.click(screen.getByRole("button", { name: "Add the member" }));
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(await requests[0]!.json()).toMatchObject({ username: "sana_a1", invite: true, role: "branch_user" });
    expect(await screen.findByRole("textbox", { name: "Invitation link" })).toHaveValue(link);
  });

  it("sends a first password instead when chosen, and shows the API's refusal on its field", async () => {
    const { fetchMock, requests } = fakeFetch({
      "/api/leads/branches/1/members/": { status: 400, body: { password: ["This password is too common."] } },
    });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<AddMemberForm branch={1} canAddManagers />);
    await userEvent.type(screen.getByRole("textbox", { name: "Username" }), "sana_a1");
    await userEvent.click(screen.getByRole("radio", { name: "A first password I give them" }));
    await userEvent.type(screen.getByLabelText("First password"), "password");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Role" }), "branch_manager");
    await userEvent.click(screen.getByRole("button", { name: "Add the member" }));
    await waitFor(() => expect(requests).toHaveLength(1));
    const body = await requests[0]!.json();
    expect(body).toMatchObject({ password: "password", role: "branch_manager" });
    expect(body.invite).toBeUndefined();
    expect(await screen.findByText("This password is too common.")).toBeInTheDocument();
  });
});
