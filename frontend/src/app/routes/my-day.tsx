import { useQueries } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  followUpsTodayQueryOptions,
  missedFollowUpsQueryOptions,
  promisesDueQueryOptions,
} from "../../features/my-day/api/my-day";
import { MyDay } from "../../features/my-day/components/MyDay";
import { businessToday } from "../../lib/dates";

/**
 * The first page of each of My day's lists, asked for together (three requests at once), and the page
 * drawn when all have answered: one paint, no section pushed down as the one above it fills in.
 */
export function useMyDayFirstPages() {
  return useQueries({
    queries: [missedFollowUpsQueryOptions(1), followUpsTodayQueryOptions(1), promisesDueQueryOptions(1)],
  });
}

export function Component() {
  const { t } = useTranslation();
  const today = businessToday();
  const first = useMyDayFirstPages();
  if (first.some((query) => query.isPending && query.fetchStatus !== "idle")) return <p role="status">{t("query.loading")}</p>;
  return <MyDay today={today} />;
}
