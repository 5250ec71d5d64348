// Phone links: tap to call (tel:) and WhatsApp (wa.me with the E.164 digits and a greeting).
// The API stores numbers in E.164 (+923001234567); a number typed the Pakistani way is read too.

/** E.164 (`+923215550123`) from a stored or typed number, Pakistan the default region; null if not a phone. */
export function toE164(phone: string): string | null {
  const compact = phone.replace(/[\s\-().]/g, "");
  let digits: string;
  if (/^\+\d{8,15}$/.test(compact)) digits = compact.slice(1);
  else if (/^00\d{8,15}$/.test(compact)) digits = compact.slice(2);
  else if (/^0\d{10}$/.test(compact)) digits = `92${compact.slice(1)}`;
  else if (/^3\d{9}$/.test(compact)) digits = `92${compact}`;
  else if (/^92\d{10}$/.test(compact)) digits = compact;
  else return null;
  return `+${digits}`;
}

export function telLink(phone: string): string | null {
  const e164 = toE164(phone);
  return e164 ? `tel:${e164}` : null;
}

export function whatsAppLink(phone: string, greeting: string): string | null {
  const e164 = toE164(phone);
  if (!e164) return null;
  const text = greeting ? `?text=${encodeURIComponent(greeting)}` : "";
  return `https://wa.me/${e164.slice(1)}${text}`;
}

/** What the find box's text looks like, to pick the search for it. */
export function looksLikePhone(text: string): boolean {
  return toE164(text) !== null;
}

export function looksLikePassport(text: string): boolean {
  return /^[A-Za-z]{1,3}\s?\d{6,8}$/.test(text.trim());
}
