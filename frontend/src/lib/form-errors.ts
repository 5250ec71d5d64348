// DRF's 400 body ({"field": ["message"], "non_field_errors": [...]}, or {"detail": "..."}) onto a
// form: each message to the field it names, anything else to the form as a whole.
import { ApiError } from "./api/client";

export interface FormErrors {
  fields: Record<string, string>;
  form: string[];
}

const EMPTY: FormErrors = { fields: {}, form: [] };

function messages(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(messages);
  if (value && typeof value === "object") return Object.values(value).flatMap(messages);
  return [];
}

export function formErrors(error: unknown, fields: readonly string[]): FormErrors {
  if (!error) return EMPTY;
  if (!(error instanceof ApiError)) return { fields: {}, form: [String(error instanceof Error ? error.message : error)] };
  const body = error.body;
  if (!body || typeof body !== "object" || Array.isArray(body)) return { fields: {}, form: messages(body) };
  const result: FormErrors = { fields: {}, form: [] };
  for (const [key, value] of Object.entries(body)) {
    const text = messages(value).join(" ");
    if (!text) continue;
    if (fields.includes(key)) result.fields[key] = text;
    else result.form.push(key === "detail" || key === "non_field_errors" ? text : `${key}: ${text}`);
  }
  return result;
}
