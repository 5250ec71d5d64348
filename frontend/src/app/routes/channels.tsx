import { useTranslation } from "react-i18next";
import { ChannelSettings } from "../../features/messages/components/ChannelSettings";

/** Messaging channels (org admins): WhatsApp numbers and Twilio senders. */
export function Component() {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("channels.title")}</h1>
      <ChannelSettings />
    </>
  );
}
