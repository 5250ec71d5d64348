// The composer's rules, as the API applies them (so the desk offers only what it would accept).
import type { MessageTemplate } from "./api/messages";

export type ChannelKind = "whatsapp" | "sms";

/** The templates the composer offers: one per code for the channel, in the customer's language (else English). */
export function templatesFor(templates: MessageTemplate[], channel: ChannelKind, language: string): MessageTemplate[] {
  const byCode = new Map<string, MessageTemplate>();
  for (const template of templates) {
    if (template.channel !== channel) continue;
    const current = byCode.get(template.code);
    if (template.language === language || (!current && template.language === "en")) byCode.set(template.code, template);
  }
  return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** `{{1}}`… filled with the parameters typed so far (an empty one shows its placeholder). */
export function preview(body: string, params: string[]): string {
  return body.replace(/\{\{(\d+)\}\}/g, (placeholder, number: string) => params[Number(number) - 1] || placeholder);
}

/** Free text is open on SMS any time, on WhatsApp until 24 hours after the customer's last message. */
export function freeTextOpen(channel: ChannelKind, windowEndsAt: string | null | undefined, now: Date = new Date()): boolean {
  if (channel === "sms") return true;
  return Boolean(windowEndsAt) && new Date(windowEndsAt as string).getTime() > now.getTime();
}
