import { describe, expect, it } from "vitest";
import { guessMapping, readHeader, repeatedFields, rewriteHeader } from "./csv-header";

const REGISTER = '\ufeffName,"Mobile No",Passport,"Notes, misc"\r\nAli Khan,0321 5550123,AB1234567,"said ""call later"""\r\n';

describe("column mapping", () => {
  it("reads the header row with quotes, commas and a byte-order mark", () => {
    expect(readHeader(REGISTER).cells).toEqual(["Name", "Mobile No", "Passport", "Notes, misc"]);
  });

  it("guesses the columns already named like fields", () => {
    expect(guessMapping(["Customer Name", "contact_number", "Mobile No"])).toEqual(["customer_name", "contact_number", ""]);
  });

  it("rewrites only the header: Mobile No becomes contact_number, an ignored column an empty name", () => {
    const rewritten = rewriteHeader(REGISTER, ["customer_name", "contact_number", "passport_number", ""]);
    expect(rewritten).toBe('customer_name,contact_number,passport_number,\r\nAli Khan,0321 5550123,AB1234567,"said ""call later"""\r\n');
  });

  it("finds a field chosen twice", () => {
    expect(repeatedFields(["remarks", "", "remarks", "area"])).toEqual(["remarks"]);
  });
});
