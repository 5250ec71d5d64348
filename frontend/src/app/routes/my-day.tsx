import { useQueries } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  followUpsTodayQueryOptions,
  missedFollowUpsQueryOptions,
  overduePromisesQueryOptions,
} from "../../features/my-day/api/my-day";
import { MyDay } from "../../features/my-day/components/MyDay";
import { businessToday } from "../../lib/dates";

/**
 * The first page of each of My day's lists, asked for together (three requests at once), and the page
 * drawn when all have answered: one paint, no section pushed down as the one above it fills in.
 */
export function useMyDayFirstPages(today: string) {
  return useQueries({
    queries: [missedFollowUpsQueryOptions(1, today), followUpsTodayQueryOptions(1), overduePromisesQueryOptions(1)],
  });
}

export function Component() {
  const { t } = useTranslation();
  const today = businessToday();
  const first = useMyDayFirstPages(today);
  if (first.some((query) => query.isPending && query.fetchStatus !== "idle")) return <p role="status">{t("query.loading")}</p>;
  return <MyDay today={today} />;
}
