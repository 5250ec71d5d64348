import { useTranslation } from "react-i18next";
import { telLink, whatsAppLink } from "../lib/phone";

/** Tap to call and WhatsApp (a greeting in the user's language) for one customer's number. */
export function PhoneLinks({ phone, name }: { phone: string; name: string }) {
  const { t } = useTranslation();
  const tel = telLink(phone);
  const whatsApp = whatsAppLink(phone, t("phone.greeting", { name }));
  if (!tel) return <span dir="ltr">{phone}</span>;
  return (
    <span className="phone-links">
      <a href={tel} dir="ltr" aria-label={t("phone.call", { name, phone })}>
        {phone}
      </a>
      {whatsApp && (
        <a href={whatsApp} target="_blank" rel="noopener noreferrer" className="chip" aria-label={t("phone.whatsapp", { name })}>
          {t("phone.whatsappShort")}
        </a>
      )}
    </span>
  );
}
