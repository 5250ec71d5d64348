import { describe, expect, it } from "vitest";
import { ApiError } from "./api/client";
import { formErrors } from "./form-errors";

describe("a 400 onto the form", () => {
  it("puts each message on the field it names", () => {
    const error = new ApiError(400, {
      contact_number: ["Enter a valid phone number, such as 0300 1234567 or +923001234567."],
      passport_number: ["A lead with this passport number already exists.", "Second message."],
    });
    expect(formErrors(error, ["contact_number", "passport_number", "customer_name"])).toEqual({
      fields: {
        contact_number: "Enter a valid phone number, such as 0300 1234567 or +923001234567.",
        passport_number: "A lead with this passport number already exists. Second message.",
      },
      form: [],
    });
  });

  it("keeps what names no field of the form for the form as a whole", () => {
    const error = new ApiError(400, { non_field_errors: ["Give a reason."], branch: ["Not one of your branches."] });
    expect(formErrors(error, ["remarks"])).toEqual({ fields: {}, form: ["Give a reason.", "branch: Not one of your branches."] });
    expect(formErrors(new ApiError(409, { detail: "A converted lead cannot be lost." }), ["lost_reason"]).form).toEqual([
      "A converted lead cannot be lost.",
    ]);
  });

  it("is empty without an error", () => {
    expect(formErrors(null, ["remarks"])).toEqual({ fields: {}, form: [] });
  });
});
