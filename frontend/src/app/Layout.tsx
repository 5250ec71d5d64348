import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { onUnauthorized } from "../lib/api/client";
import { isManager, isOrgAdmin, useMe, useSignOut } from "../lib/auth";
import { LANGUAGES, setLanguage, type Language } from "../lib/i18n";

/** Any 401 returns to the sign-in, keeping the page to come back to. */
export function useReturnToSignInOn401() {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      onUnauthorized(() => {
        queryClient.removeQueries({ queryKey: ["me"] });
        const here = `${location.pathname}${location.search}`;
        navigate(`/signin?next=${encodeURIComponent(here)}`, { replace: true });
      }),
    [navigate, location, queryClient],
  );
}

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const other: Language = i18n.language === "ur" ? "en" : "ur";
  return (
    <button type="button" className="secondary" lang={other} onClick={() => void setLanguage(other)}>
      {t(`language.${other}`)}
      <span className="visually-hidden"> ({t("language.switch")})</span>
    </button>
  );
}

export function Layout() {
  const { t } = useTranslation();
  useReturnToSignInOn401();
  const me = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const manager = isManager(me.data);
  const orgAdmin = isOrgAdmin(me.data);
  const links: [string, string][] = [
    ["/", t("nav.myDay")],
    ["/find", t("nav.find")],
    ["/leads/new", t("nav.newLead")],
    ["/loans", t("nav.whoOwes")],
    ...(manager
      ? ([
          ["/unassigned", t("nav.unassigned")],
          ["/team", t("nav.team")],
          ["/dashboard", t("nav.dashboard")],
          ["/intake", t("nav.intake")],
        ] as [string, string][])
      : []),
    ...(orgAdmin ? ([["/intake-sources", t("nav.intakeSources")]] as [string, string][]) : []),
    ...(orgAdmin ? ([["/channels", t("nav.channels")]] as [string, string][]) : []),
  ];
  return (
    <>
      <a className="skip-link" href="#main">{t("nav.skip")}</a>
      <header className="top">
        <nav aria-label={t("nav.label")}>
          <ul>
            {links.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to} end={to === "/"}>{label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          {me.data && <span className="muted">{me.data.username}</span>}
          {LANGUAGES.length > 1 && <LanguageSwitch />}
          {me.data && (
            <button type="button" className="secondary" onClick={() => signOut.mutate(undefined, { onSettled: () => navigate("/signin") })}>
              {t("nav.signOut")}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {me.data ? <Outlet /> : <p role="status">{t("query.loading")}</p>}
      </main>
    </>
  );
}
